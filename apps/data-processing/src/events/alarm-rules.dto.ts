import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { SEVERITIES, Severity } from '@smartgrid/events';
import type { ConditionOp } from '@smartgrid/events';
import { Nested, OptionalNested, OptionalString } from '@smartgrid/http';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
} from 'class-validator';

const MAX_DURATION = 7 * 86_400;
const finite = { allowNaN: false, allowInfinity: false } as const;

/** An optional threshold or band edge of a condition: a finite number. */
function OptionalFinite(doc: ApiPropertyOptions = {}): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional(doc), IsOptional(), IsNumber(finite));
}

/** A string, finite number or boolean (what a metadata field is compared with). */
function IsScalar(): PropertyDecorator {
  return ValidateBy({
    name: 'isScalar',
    validator: {
      validate: (v: unknown) => (typeof v === 'string' && v.length <= 256) || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)),
      defaultMessage: (a) => `${a?.property ?? 'value'} must be a string (up to 256 characters), a finite number or a boolean`,
    },
  });
}

export class RuleMetadataSelectorDto {
  @ApiProperty({ description: 'Dotted path into the sensor metadata', example: 'feeder.id' })
  @IsString()
  @Length(1, 200)
  @Matches(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, { message: 'path must be dotted field names (letters, digits, _ and -)' })
  path!: string;

  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }], description: 'Value the field must equal (compared as text too)' })
  @IsScalar()
  value!: string | number | boolean;
}

export class RuleSelectorDto {
  @OptionalString({ description: 'sensor_type of the readings', example: 'voltage' }, Length(1, 64))
  sensorType?: string;

  @ApiPropertyOptional({ type: [String], description: 'Exactly these sensors (up to 1000)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Length(1, 128, { each: true })
  sensorIds?: string[];

  @OptionalNested(RuleMetadataSelectorDto)
  metadata?: RuleMetadataSelectorDto;
}

export class RaiseConditionDto {
  @ApiProperty({ enum: ['above', 'below', 'outside'] })
  @IsIn(['above', 'below', 'outside'])
  op!: ConditionOp;

  @OptionalFinite({ description: 'For above / below' })
  threshold?: number;

  @OptionalFinite({ description: 'For outside: the band [low, high]' })
  low?: number;

  @OptionalFinite({ description: 'For outside' })
  high?: number;

  @ApiProperty({ minimum: 0, maximum: MAX_DURATION, description: 'The condition must hold this long (0: the first reading raises)' })
  @IsInt()
  @Min(0)
  @Max(MAX_DURATION)
  minDurationSeconds!: number;
}

export class ClearConditionDto {
  @OptionalFinite({ description: 'above: back below this (≤ the raise threshold); below: back above it (≥); default the raise threshold' })
  threshold?: number;

  @OptionalFinite({ description: 'outside: back inside [low, high], within the raise band' })
  low?: number;

  @OptionalFinite()
  high?: number;

  @ApiProperty({ minimum: 0, maximum: MAX_DURATION })
  @IsInt()
  @Min(0)
  @Max(MAX_DURATION)
  minDurationSeconds!: number;
}

export class CreateAlarmRuleBody {
  @ApiProperty({ example: 'Feeder 7 over-voltage' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @OptionalString({ type: String, nullable: true }, Length(0, 2000))
  description?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @Nested(RuleSelectorDto)
  selector!: RuleSelectorDto;

  @Nested(RaiseConditionDto)
  condition!: RaiseConditionDto;

  @OptionalNested(ClearConditionDto, { description: 'Default: the raise thresholds, held for 0 s' })
  clear?: ClearConditionDto;

  @ApiProperty({ enum: SEVERITIES })
  @IsIn(SEVERITIES)
  severity!: Severity;
}

export class PatchAlarmRuleBody {
  @OptionalString({}, Length(1, 200))
  name?: string;

  @OptionalString({ type: String, nullable: true }, Length(0, 2000))
  description?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @OptionalNested(RuleSelectorDto)
  selector?: RuleSelectorDto;

  @OptionalNested(RaiseConditionDto)
  condition?: RaiseConditionDto;

  @OptionalNested(ClearConditionDto)
  clear?: ClearConditionDto;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;
}

export class UuidParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}
