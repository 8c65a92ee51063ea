import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STORE_NAMES, StoreName } from '@smartgrid/hybrid-storage';

// Response bodies of /api/sensors (also the read-failure entry the meters route shares).

export class ReadFailureView {
  @ApiProperty({ enum: STORE_NAMES }) store!: StoreName;
  @ApiProperty({ description: 'Why the store could not answer' }) error!: string;
}

export class SensorReadingView {
  @ApiProperty({ type: String, format: 'date-time' }) timestamp!: Date;
  @ApiProperty() value!: number;
  @ApiProperty({ example: 'voltage' }) sensorType!: string;
  @ApiPropertyOptional({ example: 'V' }) unit?: string;
  @ApiProperty({ enum: STORE_NAMES, description: 'Store this reading was read from' }) source!: StoreName;
}

export class SensorStepView {
  @ApiProperty({ type: String, format: 'date-time', description: 'Start of the step (UTC, aligned on 2000-01-01)' }) bucketStart!: Date;
  @ApiProperty() count!: number;
  @ApiProperty() min!: number;
  @ApiProperty() max!: number;
  @ApiProperty() sum!: number;
  @ApiProperty() avg!: number;
}

/** A JSON page of readings, or (with `step`) the range downsampled into buckets. */
export class SensorReadingsResponse {
  @ApiProperty() sensorId!: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'Start of the range (inclusive)' }) from!: Date;
  @ApiProperty({ type: String, format: 'date-time', description: 'End of the range (exclusive)' }) to!: Date;
  @ApiProperty({ enum: STORE_NAMES, description: 'Store that answered' }) source!: StoreName;
  @ApiProperty({ type: [ReadFailureView], description: 'Stores tried first that could not answer' }) failed!: ReadFailureView[];
  @ApiProperty({ description: 'Readings (or buckets) in this answer' }) count!: number;
  @ApiPropertyOptional({ type: [SensorReadingView], description: 'Newest first (without step)' }) readings?: SensorReadingView[];
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last (without step)' })
  nextCursor?: string | null;
  @ApiPropertyOptional({ enum: ['1m', '5m', '15m', '1h', '1d'], description: 'The step of the buckets (with step)' }) step?: string;
  @ApiPropertyOptional({ type: [SensorStepView], description: 'Oldest first (with step)' }) buckets?: SensorStepView[];
}

export class SensorAggregateBucketView {
  @ApiProperty({ type: String, format: 'date-time' }) bucketStart!: Date;
  @ApiProperty() count!: number;
  @ApiProperty() min!: number;
  @ApiProperty() max!: number;
  @ApiProperty() sum!: number;
  @ApiProperty() avg!: number;
}

export class SensorAggregatesResponse {
  @ApiProperty() sensorId!: string;
  @ApiProperty({ enum: ['hour', 'day'] }) interval!: 'hour' | 'day';
  @ApiProperty({ type: String, format: 'date-time' }) from!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) to!: Date;
  @ApiProperty({ type: [SensorAggregateBucketView], description: 'UTC buckets overlapping [from, to), oldest first' }) buckets!: SensorAggregateBucketView[];
}
