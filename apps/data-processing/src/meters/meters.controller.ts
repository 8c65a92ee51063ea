import { Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AGGREGATES_STORE, AggregatesStore, HybridStorageService, MeterReadingRecord } from '@smartgrid/hybrid-storage';
import { ReadingsRoute, ViewerController } from '../common/api-routes.decorators';
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

@ViewerController('meters')
export class MetersController {
  constructor(
    private readonly storage: HybridStorageService,
    @Inject(AGGREGATES_STORE) private readonly aggregates: AggregatesStore,
  ) {}

  @ReadingsRoute('Register readings of a meter', MeterReadingsResponse)
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
