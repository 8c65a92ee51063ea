import { ApiProperty } from '@nestjs/swagger';
import { DEVICE_KINDS } from './registry.constants';

// Response shapes shared by the registry routes.

export class LocationView {
  @ApiProperty({ example: 41.3275 }) lat!: number;
  @ApiProperty({ example: 19.8187 }) lon!: number;
}

export class MetadataResponse {
  @ApiProperty({ enum: DEVICE_KINDS }) kind!: 'sensor' | 'meter';
  @ApiProperty() deviceId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The metadata document (any nested fields)', example: { firmware: '2.1', tags: ['feeder-7'] } })
  metadata!: Record<string, unknown>;
  @ApiProperty({ description: 'Revision, increasing with every change (0: never written)' }) rev!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) updatedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true, description: 'A username, or device for changes reported in readings' }) updatedBy!: string | null;
}

export class GeoJsonPointView {
  @ApiProperty({ enum: ['Point'] }) type!: 'Point';
  @ApiProperty({ type: [Number], description: '[lon, lat]', example: [19.8187, 41.3275] }) coordinates!: [number, number];
}

export class GeoJsonFeatureView {
  @ApiProperty({ enum: ['Feature'] }) type!: 'Feature';
  @ApiProperty() id!: string;
  @ApiProperty({ type: GeoJsonPointView, nullable: true }) geometry!: GeoJsonPointView | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The listing item without its location' }) properties!: Record<string, unknown>;
}

export class FeatureCollectionView {
  @ApiProperty({ enum: ['FeatureCollection'] }) type!: 'FeatureCollection';
  @ApiProperty({ type: [GeoJsonFeatureView] }) features!: GeoJsonFeatureView[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next page (a foreign member)' }) nextCursor!: string | null;
}
