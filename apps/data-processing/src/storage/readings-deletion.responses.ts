import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STORE_NAMES, StoreName } from '@smartgrid/hybrid-storage';

// Response body of DELETE /api/sensors/:id/readings and /api/meters/:id/readings.

export class RemovedRowsView {
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Rows PostgreSQL removed' }) postgres?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Always null: Cassandra removes by range tombstone and cannot count' }) cassandra?: number | null;
}

export class PendingDeletionView {
  @ApiProperty({ enum: STORE_NAMES, description: 'Store that was down: it applies the deletion from the backlog when it returns' }) target!: StoreName;
  @ApiProperty({ enum: STORE_NAMES, description: 'Store holding the backlog entry' }) heldIn!: StoreName;
}

export class ReadingsDeletionResponse {
  @ApiProperty({ enum: ['sensor', 'meter'] }) kind!: 'sensor' | 'meter';
  @ApiProperty({ description: 'Sensor or meter id' }) id!: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'Start (inclusive), clipped to 2000-01-01' }) from!: Date;
  @ApiProperty({ type: String, format: 'date-time', description: 'End (exclusive), clipped to now + 1 day' }) to!: Date;
  @ApiProperty({ description: 'The deletion stamp, µs since the epoch: rows written at or before it are removed and stay removed' }) deletedAtUs!: number;
  @ApiProperty({ enum: STORE_NAMES, isArray: true, description: 'Stores that have applied it' }) appliedIn!: StoreName[];
  @ApiProperty({ type: RemovedRowsView }) removed!: RemovedRowsView;
  @ApiProperty({ type: [PendingDeletionView] }) pending!: PendingDeletionView[];
}
