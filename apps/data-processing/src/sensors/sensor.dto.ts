import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { DeviceFieldsDto, DeviceListQueryDto, PRINTABLE } from '../registry/registry.dto';
import { ContractId, OptionalString } from '@smartgrid/http';

/** The fields of a sensor an operator sets, on registration and on change (null clears). */
class SensorFieldsDto extends DeviceFieldsDto {
  @OptionalString({ example: 'V', nullable: true }, Length(1, 32))
  unit?: string | null;

  @OptionalString({ description: 'The meter it hangs off (not with site)', example: 'M-2001', nullable: true }, Length(1, 128))
  meterId?: string | null;

  @OptionalString({ description: 'Where it stands, e.g. a substation (not with meterId)', example: 'Substation Tirana-3', nullable: true }, Length(1, 200))
  site?: string | null;
}

/** POST /api/sensors: register a sensor (or complete one first seen in a reading). */
export class CreateSensorDto extends SensorFieldsDto {
  @ContractId({ description: 'Sensor id as devices send it (1-128 printable characters)', example: 'S-1001' })
  id!: string;

  @ApiProperty({ example: 'voltage' })
  @IsString()
  @Length(1, 64)
  @Matches(PRINTABLE, { message: 'sensorType must not contain control characters' })
  sensorType!: string;
}

/** PATCH /api/sensors/:id: fields given change (null clears), others stay. */
export class UpdateSensorDto extends SensorFieldsDto {
  @ApiPropertyOptional({ example: 'voltage', description: 'Once set here, ingest no longer changes it (likewise unit and location)' })
  @ValidateIf((o: UpdateSensorDto) => o.sensorType !== undefined)
  @IsString()
  @Length(1, 64)
  @Matches(PRINTABLE, { message: 'sensorType must not contain control characters' })
  sensorType?: string;
}

/** GET /api/sensors: also `meta.<path>=<value>` (metadata document fields). */
export class SensorListQueryDto extends DeviceListQueryDto {
  @OptionalString({ description: 'Sensor type', example: 'voltage' }, Length(1, 64))
  type?: string;

  @OptionalString({ description: 'Hangs off this meter', example: 'M-2001' }, Length(1, 128))
  meter_id?: string;

  @OptionalString({ description: 'Stands at this site' }, MaxLength(200))
  site?: string;
}
