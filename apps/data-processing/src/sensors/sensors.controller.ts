import { Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AGGREGATES_STORE, AggregatesStore, HybridStorageService, SensorReadingRecord } from '@smartgrid/hybrid-storage';
import { ApiAnswer, ReadingsRoute, ViewerController } from '../common/api-routes.decorators';
import { IdParams, ReadingsQuery, SensorAggregatesQuery } from '../common/query.dto';
import { answerReadings, StreamColumns } from '../common/readings.output';
import { DAY, resolveIntervalRange, SpanLimits } from '../common/time-range.query';
import { SensorAggregatesResponse, SensorReadingsResponse, SensorReadingView } from './sensors.responses';

function toView(x: SensorReadingRecord): SensorReadingView {
  return { timestamp: x.timestamp, value: x.value, sensorType: x.sensorType, ...(x.unit !== undefined ? { unit: x.unit } : {}), source: x.source };
}

/** How a reading is written in each format of the readings route. */
export const SENSOR_COLUMNS: StreamColumns<SensorReadingRecord> = {
  csvHeader: ['timestamp', 'value', 'sensor_type', 'unit', 'source'],
  csv: (x) => [x.timestamp.toISOString(), x.value, x.sensorType, x.unit, x.source],
  json: (x) => ({ ...toView(x) }),
  ndjson: (x, text) =>
    `{"timestamp":"${x.timestamp.toISOString()}","value":${JSON.stringify(x.value)},"sensorType":${text(x.sensorType)}${x.unit !== undefined ? `,"unit":${text(x.unit)}` : ''},"source":"${x.source}"}`,
};

/** Hourly and daily aggregates may be asked for at most this far back in one request. */
export const MAX_HOURLY_SPAN_MS = 93 * DAY;
export const MAX_DAILY_SPAN_MS = 3660 * DAY;
const AGGREGATE_SPANS: Record<'hour' | 'day', SpanLimits> = {
  hour: { defaultMs: DAY, maxMs: MAX_HOURLY_SPAN_MS },
  day: { defaultMs: 30 * DAY, maxMs: MAX_DAILY_SPAN_MS },
};

@ViewerController('sensors')
export class SensorsController {
  constructor(
    private readonly storage: HybridStorageService,
    @Inject(AGGREGATES_STORE) private readonly aggregates: AggregatesStore,
  ) {}

  @ReadingsRoute('Readings of a sensor', SensorReadingsResponse)
  readings(@Param() p: IdParams, @Query() q: ReadingsQuery, @Res() res: Response): Promise<void> {
    return answerReadings(res, 'sensorId', p.id, q, {
      steps: (id, step, from, to) => this.aggregates.sensorSteps(id, step, from, to),
      stream: (id, options) => this.storage.streamSensorData(id, options),
      page: (id, options) => this.storage.getSensorPage(id, options),
      view: toView,
      columns: SENSOR_COLUMNS,
    });
  }

  @Get(':id/aggregates')
  @ApiAnswer({ summary: 'Hourly or daily count/min/max/sum/avg of a sensor (UTC buckets overlapping [from, to))', ok: SensorAggregatesResponse })
  async aggregatesOf(@Param() p: IdParams, @Query() q: SensorAggregatesQuery): Promise<SensorAggregatesResponse> {
    const interval = q.interval ?? 'hour';
    const range = resolveIntervalRange(q, interval, AGGREGATE_SPANS);
    const buckets = await this.aggregates.sensorAggregates(p.id, interval, range.from, range.to);
    return { sensorId: p.id, interval, from: range.from, to: range.to, buckets };
  }
}
