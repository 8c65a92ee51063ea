import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STORE_NAMES, StoreName } from '@smartgrid/hybrid-storage';
import { ReadFailureView } from '../sensors/sensors.responses';

// Response bodies of /api/meters.

export class MeterReadingView {
  @ApiProperty({ type: String, format: 'date-time' }) timestamp!: Date;
  @ApiProperty({ description: 'Cumulative register, kWh' }) energyKwh!: number;
  @ApiPropertyOptional() powerKw?: number;
  @ApiPropertyOptional() voltage?: number;
  @ApiProperty() customerId!: string;
  @ApiProperty({ enum: STORE_NAMES, description: 'Store this reading was read from' }) source!: StoreName;
}

export class MeterStepView {
  @ApiProperty({ type: String, format: 'date-time', description: 'Start of the step (UTC, aligned on 2000-01-01)' }) bucketStart!: Date;
  @ApiProperty() count!: number;
  @ApiProperty({ description: 'Register range in the step, kWh' }) energyKwhMin!: number;
  @ApiProperty() energyKwhMax!: number;
  @ApiProperty({ type: Number, nullable: true }) powerKwMin!: number | null;
  @ApiProperty({ type: Number, nullable: true }) powerKwMax!: number | null;
  @ApiProperty({ type: Number, nullable: true }) powerKwAvg!: number | null;
}

/** A JSON page of register readings, or (with `step`) the range downsampled into buckets. */
export class MeterReadingsResponse {
  @ApiProperty() meterId!: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'Start of the range (inclusive)' }) from!: Date;
  @ApiProperty({ type: String, format: 'date-time', description: 'End of the range (exclusive)' }) to!: Date;
  @ApiProperty({ enum: STORE_NAMES, description: 'Store that answered' }) source!: StoreName;
  @ApiProperty({ type: [ReadFailureView], description: 'Stores tried first that could not answer' }) failed!: ReadFailureView[];
  @ApiProperty({ description: 'Readings (or buckets) in this answer' }) count!: number;
  @ApiPropertyOptional({ type: [MeterReadingView], description: 'Newest first (without step)' }) readings?: MeterReadingView[];
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last (without step)' })
  nextCursor?: string | null;
  @ApiPropertyOptional({ enum: ['1m', '5m', '15m', '1h', '1d'], description: 'The step of the buckets (with step)' }) step?: string;
  @ApiPropertyOptional({ type: [MeterStepView], description: 'Oldest first (with step)' }) buckets?: MeterStepView[];
}
