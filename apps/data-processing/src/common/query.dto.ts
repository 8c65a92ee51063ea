import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Length } from 'class-validator';
import { MAX_READ_LIMIT, SERIES_STEPS, SeriesStep } from '@smartgrid/hybrid-storage';
import { ContractId, OptionalInstant, OptionalString, PageLimit } from '@smartgrid/http';

/** `:id` of a sensor, meter or customer: 1–128 printable characters. */
export class IdParams {
  @ContractId({ description: 'Sensor, meter or customer id (1-128 characters)', example: 'S-1001' })
  id!: string;
}

const ISO = { strict: true, strictSeparator: true } as const;

export class TimeRangeQuery {
  @OptionalInstant({ description: 'Start (inclusive), ISO-8601 with zone', example: '2026-11-26T00:00:00Z' })
  from?: string;

  @OptionalInstant({ description: 'End (exclusive), ISO-8601 with zone; default now', example: '2026-11-27T00:00:00Z' })
  to?: string;
}

export class ReadingsQuery extends TimeRangeQuery {
  @ApiPropertyOptional({ enum: ['auto', 'postgres', 'cassandra'], default: 'auto', description: 'Store to read; auto falls back to the other store' })
  @IsOptional()
  @IsIn(['auto', 'postgres', 'cassandra'])
  source?: 'auto' | 'postgres' | 'cassandra';

  @PageLimit(MAX_READ_LIMIT, { default: 1000, description: 'Readings per JSON page, newest first (ndjson and csv stream the whole range)' })
  limit?: number;

  @OptionalString({ description: 'nextCursor of the previous JSON page: walks the range page by page from the same store' }, Length(1, 512))
  cursor?: string;

  @ApiPropertyOptional({
    enum: ['json', 'ndjson', 'csv'],
    default: 'json',
    description: 'json: one page (see limit, cursor); ndjson or csv: the whole range streamed, one reading per line',
  })
  @IsOptional()
  @IsIn(['json', 'ndjson', 'csv'])
  format?: 'json' | 'ndjson' | 'csv';

  @ApiPropertyOptional({
    enum: SERIES_STEPS,
    description: 'Downsample to this step: count/min/max/avg per bucket (UTC, aligned on 2000-01-01) instead of readings; at most 7 days at 1m, 93 at 5m/15m, 366 at 1h, 3660 at 1d',
  })
  @IsOptional()
  @IsIn(SERIES_STEPS)
  step?: SeriesStep;
}

export class SensorAggregatesQuery extends TimeRangeQuery {
  @ApiPropertyOptional({ enum: ['hour', 'day'], default: 'hour' })
  @IsOptional()
  @IsIn(['hour', 'day'])
  interval?: 'hour' | 'day';
}

export class ConsumptionQuery extends TimeRangeQuery {
  @ApiPropertyOptional({ enum: ['day', 'month'], default: 'day' })
  @IsOptional()
  @IsIn(['day', 'month'])
  interval?: 'day' | 'month';
}

export class ReconcileQuery {
  @OptionalInstant({ description: 'Start (inclusive), ISO-8601; default 24 hours before `to`' })
  from?: string;

  @OptionalInstant({ description: 'End (exclusive), ISO-8601; default now' })
  to?: string;
}
