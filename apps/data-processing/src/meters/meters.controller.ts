import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Role, Roles } from '@smartgrid/auth';
import { ApiErrors } from '@smartgrid/http';
import { AGGREGATES_STORE, AggregatesStore, HybridStorageService, MeterReadingRecord } from '@smartgrid/hybrid-storage';
import { IdParams, ReadingsQuery } from '../common/query.dto';
import { checkReadingsOptions, MAX_STEP_SPAN_MS, StreamColumns, streamReadings } from '../common/readings.output';
import { toHttpError } from '../common/storage-errors.http';
import { DAY, resolveRange } from '../common/time-range.query';
import { MAX_READINGS_SPAN_MS } from '../sensors/sensors.controller';
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
  async readings(@Param() p: IdParams, @Query() q: ReadingsQuery, @Res() res: Response): Promise<void> {
    checkReadingsOptions(q);
    try {
      if (q.step) {
        const range = resolveRange(q.from, q.to, DAY, MAX_STEP_SPAN_MS[q.step]);
        const buckets = await this.aggregates.meterSteps(p.id, q.step, range.from, range.to);
        const body: MeterReadingsResponse = { meterId: p.id, ...range, source: 'postgres', failed: [], count: buckets.length, step: q.step, buckets };
        res.json(body);
        return;
      }
      const range = resolveRange(q.from, q.to, DAY, MAX_READINGS_SPAN_MS);
      if (q.format === 'ndjson' || q.format === 'csv') {
        await streamReadings(res, q.format, this.storage.streamMeterReadings(p.id, { ...range, source: q.source ?? 'auto' }), METER_COLUMNS);
        return;
      }
      const r = await this.storage.getMeterPage(p.id, { ...range, source: q.source ?? 'auto', limit: q.limit ?? 1000, cursor: q.cursor ?? null });
      const body: MeterReadingsResponse = {
        meterId: p.id,
        from: range.from,
        to: range.to,
        source: r.source,
        failed: r.failed,
        count: r.records.length,
        readings: r.records.map(toView),
        nextCursor: r.nextCursor,
      };
      res.json(body);
    } catch (err) {
      throw toHttpError(err);
    }
  }
}
