import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsISO8601, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { DeviceFieldsDto, DeviceListQueryDto, ISO } from '../registry/registry.dto';
import { ContractId } from '@smartgrid/http';

/** The fields of a meter an operator sets, on registration and on change (null clears). */
class MeterFieldsDto extends DeviceFieldsDto {
  @ApiPropertyOptional({ nullable: true, example: 'LGZ-E450-0012345' }) @IsOptional() @IsString() @Length(1, 128) serial?: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'E450' }) @IsOptional() @IsString() @Length(1, 128) model?: string | null;
}

/** POST /api/meters: register a meter (or complete one first seen in a reading). */
export class CreateMeterDto extends MeterFieldsDto {
  @ContractId({ description: 'Meter id as readings carry it (1-128 printable characters)', example: 'M-2001' })
  id!: string;

  @ApiPropertyOptional({ description: 'Customer the meter belongs to since the beginning (its first assignment)', example: 'C-301' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  customerId?: string;
}

/** PATCH /api/meters/:id: fields given change (null clears), others stay. Customers change through assignments. */
export class UpdateMeterDto extends MeterFieldsDto {}

/** POST /api/meters/:id/assignments. */
export class CreateAssignmentDto {
  @ApiProperty({ example: 'C-302' })
  @IsString()
  @Length(1, 128)
  customerId!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'When the assignment starts (ISO-8601 date-time with zone, or a YYYY-MM-DD UTC date); null: since the beginning. It runs until the next assignment; one with the same start is replaced.',
    example: '2026-03-15T00:00:00Z',
  })
  @IsDefined({ message: 'from is required (null: since the beginning)' })
  @ValidateIf((o: CreateAssignmentDto) => o.from !== null)
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2}))?$/i, { message: 'from must be an ISO-8601 date-time with a zone or a YYYY-MM-DD date' })
  @IsISO8601(ISO, { message: 'from is not a valid date' })
  from!: string | null;
}

export class MeterListQueryDto extends DeviceListQueryDto {}
