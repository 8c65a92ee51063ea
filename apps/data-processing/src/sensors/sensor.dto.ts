import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { DeviceListQueryDto, ISO, ISO_DATE_TIME, LocationDto, PRINTABLE, StatusField } from '../registry/registry.dto';

/** POST /api/sensors: register a sensor (or complete one first seen in a reading). */
export class CreateSensorDto extends StatusField {
  @ApiProperty({ description: 'Sensor id as devices send it (1-128 printable characters)', example: 'S-1001' })
  @IsString()
  @Length(1, 128)
  @Matches(PRINTABLE, { message: 'id must not contain control characters' })
  id!: string;

  @ApiProperty({ example: 'voltage' })
  @IsString()
  @Length(1, 64)
  @Matches(PRINTABLE, { message: 'sensorType must not contain control characters' })
  sensorType!: string;

  @ApiPropertyOptional({ example: 'Feeder 7 voltage', nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string | null;

  @ApiPropertyOptional({ example: 'V', nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  unit?: string | null;

  @ApiPropertyOptional({ type: LocationDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => LocationDto)
  location?: LocationDto | null;

  @ApiPropertyOptional({ description: 'The meter it hangs off (not with site)', example: 'M-2001', nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  meterId?: string | null;

  @ApiPropertyOptional({ description: 'Where it stands, e.g. a substation (not with meterId)', example: 'Substation Tirana-3', nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  site?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601(ISO, ISO_DATE_TIME)
  installedAt?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'Only with status decommissioned' })
  @IsOptional()
  @IsISO8601(ISO, ISO_DATE_TIME)
  decommissionedAt?: string | null;
}

/** PATCH /api/sensors/:id: fields given change (null clears), others stay. */
export class UpdateSensorDto extends StatusField {
  @ApiPropertyOptional({ example: 'voltage', description: 'Once set here, ingest no longer changes it (likewise unit and location)' })
  @ValidateIf((o: UpdateSensorDto) => o.sensorType !== undefined)
  @IsString()
  @Length(1, 64)
  @Matches(PRINTABLE, { message: 'sensorType must not contain control characters' })
  sensorType?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  unit?: string | null;

  @ApiPropertyOptional({ type: LocationDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => LocationDto)
  location?: LocationDto | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  meterId?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  site?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601(ISO, ISO_DATE_TIME)
  installedAt?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601(ISO, ISO_DATE_TIME)
  decommissionedAt?: string | null;
}

/** GET /api/sensors: also `meta.<path>=<value>` (metadata document fields). */
export class SensorListQueryDto extends DeviceListQueryDto {
  @ApiPropertyOptional({ description: 'Sensor type', example: 'voltage' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  type?: string;

  @ApiPropertyOptional({ description: 'Hangs off this meter', example: 'M-2001' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  meter_id?: string;

  @ApiPropertyOptional({ description: 'Stands at this site' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  site?: string;
}
