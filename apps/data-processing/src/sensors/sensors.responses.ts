import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STORE_NAMES, StoreName } from '@smartgrid/hybrid-storage';
import { ReadingsAnswer } from '../common/readings.responses';

// Response bodies of /api/sensors.

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
export class SensorReadingsResponse extends ReadingsAnswer {
  @ApiProperty() sensorId!: string;
  @ApiPropertyOptional({ type: [SensorReadingView], description: 'Newest first (without step)' }) readings?: SensorReadingView[];
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
