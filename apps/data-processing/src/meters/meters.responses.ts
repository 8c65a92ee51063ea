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

export class MeterReadingsResponse {
  @ApiProperty() meterId!: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'Start of the range (inclusive)' }) from!: Date;
  @ApiProperty({ type: String, format: 'date-time', description: 'End of the range (exclusive)' }) to!: Date;
  @ApiProperty({ enum: STORE_NAMES, description: 'Store that answered' }) source!: StoreName;
  @ApiProperty({ type: [ReadFailureView], description: 'Stores tried first that could not answer' }) failed!: ReadFailureView[];
  @ApiProperty() count!: number;
  @ApiProperty({ type: [MeterReadingView], description: 'Newest first' }) readings!: MeterReadingView[];
}
