import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STORE_NAMES, StoreName } from '@smartgrid/hybrid-storage';
import { ReadingsAnswer } from '../common/readings.responses';

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
export class MeterReadingsResponse extends ReadingsAnswer {
  @ApiProperty() meterId!: string;
  @ApiPropertyOptional({ type: [MeterReadingView], description: 'Newest first (without step)' }) readings?: MeterReadingView[];
  @ApiPropertyOptional({ type: [MeterStepView], description: 'Oldest first (with step)' }) buckets?: MeterStepView[];
}
