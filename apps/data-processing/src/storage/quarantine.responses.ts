import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { STORE_NAMES, StoreName } from '@smartgrid/hybrid-storage';
import { BacklogUnreachableView } from './storage.responses';

// Response bodies of /api/storage/quarantine.

const dateTime = { type: String, format: 'date-time' } as const;

export class QuarantineSampleView {
  @ApiProperty({ description: 'Sensor or meter id' }) id!: string;
  @ApiProperty(dateTime) timestamp!: Date;
}

export class QuarantineItemView {
  @ApiProperty({ description: '`<store holding it>.<id there>`', example: 'cassandra.2f1c6e80-cf3a-11f0-8de9-0242ac120002' }) id!: string;
  @ApiProperty({ enum: STORE_NAMES, description: 'Store that refused the rows' }) target!: StoreName;
  @ApiProperty({ enum: STORE_NAMES, description: 'Store holding the entry' }) heldIn!: StoreName;
  @ApiProperty({ enum: ['sensor', 'meter'] }) kind!: 'sensor' | 'meter';
  @ApiProperty() rowCount!: number;
  @ApiProperty({ description: "The target's error" }) reason!: string;
  @ApiProperty({ description: 'Replay attempts before the rows were set aside' }) attempts!: number;
  @ApiProperty(dateTime) firstFailedAt!: Date;
  @ApiProperty(dateTime) quarantinedAt!: Date;
  @ApiProperty({ description: 'Retries asked for since' }) retries!: number;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: [QuarantineSampleView], description: 'The first rows, to find the data in question' }) sample!: QuarantineSampleView[];
}

export class QuarantinePageResponse {
  @ApiProperty({ type: [QuarantineItemView], description: 'Oldest first' }) items!: QuarantineItemView[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page' }) nextCursor!: string | null;
  @ApiProperty({ type: [BacklogUnreachableView], description: 'Holders that could not be read (their entries are missing from the page)' })
  unreachable!: BacklogUnreachableView[];
}

export class GeoPointView {
  @ApiProperty() lat!: number;
  @ApiProperty() lon!: number;
}

const stamp = { description: 'When the row was accepted, µs since the epoch (the newer write wins)' };
const metadata = { type: 'object', additionalProperties: true } as const;

export class QuarantinedSensorRowView {
  @ApiProperty() sensorId!: string;
  @ApiProperty() sensorType!: string;
  @ApiProperty() value!: number;
  @ApiPropertyOptional() unit?: string;
  @ApiProperty(dateTime) timestamp!: Date;
  @ApiPropertyOptional(metadata) metadata?: Record<string, unknown>;
  @ApiPropertyOptional() location?: GeoPointView;
  @ApiProperty(stamp) writtenAtUs!: number;
}

export class QuarantinedMeterRowView {
  @ApiProperty() meterId!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty(dateTime) timestamp!: Date;
  @ApiProperty() energyKwh!: number;
  @ApiPropertyOptional() powerKw?: number;
  @ApiPropertyOptional() voltage?: number;
  @ApiPropertyOptional(metadata) metadata?: Record<string, unknown>;
  @ApiProperty(stamp) writtenAtUs!: number;
}

@ApiExtraModels(QuarantinedSensorRowView, QuarantinedMeterRowView)
export class QuarantineEntryResponse extends QuarantineItemView {
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ $ref: getSchemaPath(QuarantinedSensorRowView) }, { $ref: getSchemaPath(QuarantinedMeterRowView) }] },
    description: 'Every row set aside (sensor or meter readings, as kind says)',
  })
  rows!: (QuarantinedSensorRowView | QuarantinedMeterRowView)[];
}

export class QuarantineRetryResponse {
  @ApiProperty() item!: QuarantineItemView;
  @ApiProperty({ enum: ['replayed', 'refused', 'unavailable'], description: 'replayed: the store took every row and the entry is gone' })
  state!: 'replayed' | 'refused' | 'unavailable';
  @ApiProperty() refusedRows!: number;
  @ApiPropertyOptional() error?: string;
}

export class QuarantineDiscardResponse {
  @ApiProperty({ description: 'The entry dropped (its rows are kept in the audit event)' }) discarded!: QuarantineItemView;
}
