import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REGISTRY_STATUSES } from '@smartgrid/registry';
import type { LatestSensorReading, RegistryStatus, Sensor } from '@smartgrid/registry';
import { LocationView } from '../registry/registry.responses';

// Response bodies of the sensor registry routes.

export class SensorView {
  @ApiProperty({ example: 'S-1001' }) id!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ example: 'voltage' }) sensorType!: string;
  @ApiProperty({ type: String, nullable: true, example: 'V' }) unit!: string | null;
  @ApiProperty({ type: LocationView, nullable: true }) location!: LocationView | null;
  @ApiProperty({ enum: REGISTRY_STATUSES }) status!: RegistryStatus;
  @ApiProperty({ type: String, nullable: true }) meterId!: string | null;
  @ApiProperty({ type: String, nullable: true }) site!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) installedAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decommissionedAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Timestamp of the newest reading' }) lastSeenAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
  @ApiPropertyOptional({ description: 'Metres from the near point (listings with near)' }) distance_m?: number;
}

export class SensorPage {
  @ApiProperty({ type: [SensorView] }) items!: SensorView[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next page; null on the last' }) nextCursor!: string | null;
}

export class SensorReadingSummary {
  @ApiProperty({ type: String, format: 'date-time' }) timestamp!: Date;
  @ApiProperty() value!: number;
  @ApiProperty({ type: String, nullable: true }) unit!: string | null;
}

export class SensorLatestResponse {
  @ApiProperty() sensorId!: string;
  @ApiProperty({ enum: REGISTRY_STATUSES }) status!: RegistryStatus;
  @ApiProperty({ type: SensorReadingSummary, nullable: true, description: 'The newest reading; null when none yet' }) reading!: SensorReadingSummary | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastSeenAt!: Date | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Seconds since the newest reading' }) silentForSeconds!: number | null;
}

export function sensorView(s: Sensor): SensorView {
  const { distanceM, ...rest } = s;
  return distanceM === undefined ? rest : { ...rest, distance_m: distanceM };
}

export function sensorLatestResponse(sensor: Sensor, latest: LatestSensorReading | null, now = Date.now()): SensorLatestResponse {
  return {
    sensorId: sensor.id,
    status: sensor.status,
    reading: latest,
    lastSeenAt: latest?.timestamp ?? null,
    silentForSeconds: latest ? Math.max(0, Math.round((now - latest.timestamp.getTime()) / 1000)) : null,
  };
}
