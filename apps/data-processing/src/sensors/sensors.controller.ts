import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role, Roles } from '@smartgrid/auth';
import { ApiErrors } from '@smartgrid/http';
import { AGGREGATES_STORE, AggregatesStore, HybridStorageService } from '@smartgrid/hybrid-storage';
import { IdParams, ReadingsQuery, SensorAggregatesQuery } from '../common/query.dto';
import { toHttpError } from '../common/storage-http-errors';
import { DAY, resolveRange } from '../common/time-range';
import { SensorAggregatesResponse, SensorReadingsResponse } from './sensors.responses';

/** Readings may be asked for at most this far back in one request. */
export const MAX_READINGS_SPAN_MS = 31 * DAY;
export const MAX_HOURLY_SPAN_MS = 93 * DAY;
export const MAX_DAILY_SPAN_MS = 3660 * DAY;

@ApiTags('sensors')
@ApiBearerAuth()
@ApiErrors(400, 401, { 403: 'Role below viewer' })
@Roles(Role.Viewer)
@Controller('api/sensors')
export class SensorsController {
  constructor(
    private readonly storage: HybridStorageService,
    @Inject(AGGREGATES_STORE) private readonly aggregates: AggregatesStore,
  ) {}

  @Get(':id/readings')
  @ApiOperation({ summary: 'Readings of a sensor in [from, to), newest first (default: last 24 h, at most 31 days)' })
  @ApiOkResponse({ type: SensorReadingsResponse })
  @ApiErrors(503)
  async readings(@Param() p: IdParams, @Query() q: ReadingsQuery): Promise<SensorReadingsResponse> {
    const range = resolveRange(q.from, q.to, DAY, MAX_READINGS_SPAN_MS);
    try {
      const r = await this.storage.getSensorData(p.id, { ...range, source: q.source ?? 'auto', limit: q.limit ?? 1000 });
      return {
        sensorId: p.id,
        from: range.from,
        to: range.to,
        source: r.source,
        failed: r.failed,
        count: r.records.length,
        readings: r.records.map((x) => ({
          timestamp: x.timestamp,
          value: x.value,
          sensorType: x.sensorType,
          ...(x.unit !== undefined ? { unit: x.unit } : {}),
          source: x.source,
        })),
      };
    } catch (err) {
      throw toHttpError(err);
    }
  }

  @Get(':id/aggregates')
  @ApiOperation({ summary: 'Hourly or daily count/min/max/sum/avg of a sensor (UTC buckets overlapping [from, to))' })
  @ApiOkResponse({ type: SensorAggregatesResponse })
  async aggregatesOf(@Param() p: IdParams, @Query() q: SensorAggregatesQuery): Promise<SensorAggregatesResponse> {
    const interval = q.interval ?? 'hour';
    const range =
      interval === 'hour' ? resolveRange(q.from, q.to, DAY, MAX_HOURLY_SPAN_MS) : resolveRange(q.from, q.to, 30 * DAY, MAX_DAILY_SPAN_MS);
    const buckets = await this.aggregates.sensorAggregates(p.id, interval, range.from, range.to);
    return { sensorId: p.id, interval, from: range.from, to: range.to, buckets };
  }
}
