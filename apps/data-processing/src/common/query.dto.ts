import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { MAX_READ_LIMIT } from '@smartgrid/hybrid-storage';

/** `:id` of a sensor, meter or customer: 1–128 printable characters. */
export class IdParams {
  @ApiProperty({ description: 'Sensor, meter or customer id (1-128 characters)', example: 'S-1001' })
  @IsString()
  @Length(1, 128)
  @Matches(/^[^\u0000-\u001f\u007f]+$/, { message: 'id must not contain control characters' })
  id!: string;
}

const ISO = { strict: true, strictSeparator: true } as const;

export class TimeRangeQuery {
  @ApiPropertyOptional({ description: 'Start (inclusive), ISO-8601 with zone', example: '2026-11-26T00:00:00Z' })
  @IsOptional()
  @IsISO8601(ISO, { message: 'from must be an ISO-8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'End (exclusive), ISO-8601 with zone; default now', example: '2026-11-27T00:00:00Z' })
  @IsOptional()
  @IsISO8601(ISO, { message: 'to must be an ISO-8601 date-time' })
  to?: string;
}

export class ReadingsQuery extends TimeRangeQuery {
  @ApiPropertyOptional({ enum: ['auto', 'postgres', 'cassandra'], default: 'auto', description: 'Store to read; auto falls back to the other store' })
  @IsOptional()
  @IsIn(['auto', 'postgres', 'cassandra'])
  source?: 'auto' | 'postgres' | 'cassandra';

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_READ_LIMIT, default: 1000, description: 'Newest readings first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_READ_LIMIT)
  limit?: number;
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
  @ApiPropertyOptional({ description: 'Start (inclusive), ISO-8601; default 24 hours before `to`' })
  @IsOptional()
  @IsISO8601(ISO, { message: 'from must be an ISO-8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'End (exclusive), ISO-8601; default now' })
  @IsOptional()
  @IsISO8601(ISO, { message: 'to must be an ISO-8601 date-time' })
  to?: string;
}
