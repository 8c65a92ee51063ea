import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Role, Roles } from '@smartgrid/auth';
import { ApiErrors } from '@smartgrid/http';
import { AGGREGATES_STORE, AggregatesStore, HybridStorageService, MeterReadingRecord } from '@smartgrid/hybrid-storage';
import { IdParams, ReadingsQuery } from '../common/query.dto';
import { answerReadings, StreamColumns } from '../common/readings.output';
import { MeterReadingsResponse, MeterReadingView } from './meters.responses';

function toView(x: MeterReadingRecord): MeterReadingView {
  return {
    timestamp: x.timestamp,
    energyKwh: x.energyKwh,
    ...(x.powerKw !== undefined ? { powerKw: x.powerKw } : {}),
    ...(x.voltage !== undefined ? { voltage: x.voltage } : {}),
    customerId: x.customerId,
    source: x.source,
  };
}

/** How a reading is written in each format of the readings route. */
export const METER_COLUMNS: StreamColumns<MeterReadingRecord> = {
  csvHeader: ['timestamp', 'energy_kwh', 'power_kw', 'voltage', 'customer_id', 'source'],
  csv: (x) => [x.timestamp.toISOString(), x.energyKwh, x.powerKw, x.voltage, x.customerId, x.source],
  json: (x) => ({ ...toView(x) }),
  ndjson: (x, text) =>
    `{"timestamp":"${x.timestamp.toISOString()}","energyKwh":${JSON.stringify(x.energyKwh)}` +
    `${x.powerKw !== undefined ? `,"powerKw":${JSON.stringify(x.powerKw)}` : ''}${x.voltage !== undefined ? `,"voltage":${JSON.stringify(x.voltage)}` : ''}` +
    `,"customerId":${text(x.customerId)},"source":"${x.source}"}`,
};

@ApiTags('meters')
@ApiBearerAuth()
@ApiErrors(400, 401, { 403: 'Role below viewer' })
@Roles(Role.Viewer)
@Controller('api/meters')
export class MetersController {
  constructor(
    private readonly storage: HybridStorageService,
    @Inject(AGGREGATES_STORE) private readonly aggregates: AggregatesStore,
  ) {}

  @Get(':id/readings')
  @ApiOperation({
    summary:
      'Register readings of a meter in [from, to), newest first (default: last 24 h, at most 31 days): a JSON page (limit, cursor), the whole range as NDJSON or CSV (format), or downsampled buckets (step)',
  })
  @ApiProduces('application/json', 'application/x-ndjson', 'text/csv')
  @ApiOkResponse({ type: MeterReadingsResponse })
  @ApiErrors(503)
  readings(@Param() p: IdParams, @Query() q: ReadingsQuery, @Res() res: Response): Promise<void> {
    return answerReadings(res, 'meterId', p.id, q, {
      steps: (id, step, from, to) => this.aggregates.meterSteps(id, step, from, to),
      stream: (id, options) => this.storage.streamMeterReadings(id, options),
      page: (id, options) => this.storage.getMeterPage(id, options),
      view: toView,
      columns: METER_COLUMNS,
    });
  }
}
