import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STORE_NAMES, StoreName } from '@smartgrid/hybrid-storage';

// What the readings routes of sensors and meters answer alike; each adds its id, reading and step views.

export class ReadFailureView {
  @ApiProperty({ enum: STORE_NAMES }) store!: StoreName;
  @ApiProperty({ description: 'Why the store could not answer' }) error!: string;
}

export abstract class ReadingsAnswer {
  @ApiProperty({ type: String, format: 'date-time', description: 'Start of the range (inclusive)' }) from!: Date;
  @ApiProperty({ type: String, format: 'date-time', description: 'End of the range (exclusive)' }) to!: Date;
  @ApiProperty({ enum: STORE_NAMES, description: 'Store that answered' }) source!: StoreName;
  @ApiProperty({ type: [ReadFailureView], description: 'Stores tried first that could not answer' }) failed!: ReadFailureView[];
  @ApiProperty({ description: 'Readings (or buckets) in this answer' }) count!: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last (without step)' })
  nextCursor?: string | null;
  @ApiPropertyOptional({ enum: ['1m', '5m', '15m', '1h', '1d'], description: 'The step of the buckets (with step)' }) step?: string;
}
