import { applyDecorators, Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';

/** Text without control characters (ids, names, search terms). */
// eslint-disable-next-line no-control-regex
export const PRINTABLE = /^[^\u0000-\u001f\u007f]+$/;

/**
 * Applies decorators as if written one above the other (the last first, as TypeScript does):
 * class-validator reports a field's failed checks in the order they were registered.
 */
function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return applyDecorators(...decorators.reverse());
}

/** A required id as the reading contract has it: 1–128 printable characters. */
export function ContractId(doc: ApiPropertyOptions): PropertyDecorator {
  return stacked(ApiProperty(doc), IsString(), Length(1, 128), Matches(PRINTABLE, { message: '$property must not contain control characters' }));
}

/**
 * An optional string of a query or body; `checks` bound it (e.g. `Length(1, 128)`, `MaxLength(32)`,
 * `Matches(...)`) and run after the string check, in the order given.
 */
export function OptionalString(doc: ApiPropertyOptions, ...checks: PropertyDecorator[]): PropertyDecorator {
  return stacked(ApiPropertyOptional(doc), IsOptional(), IsString(), ...checks);
}

/** An optional page size from the query string, 1 to `max`. */
export function PageLimit(max: number, doc: ApiPropertyOptions = {}): PropertyDecorator {
  return stacked(ApiPropertyOptional({ minimum: 1, maximum: max, ...doc } as ApiPropertyOptions), IsOptional(), Type(() => Number), IsInt(), Min(1), Max(max));
}

// Date and time with a zone, as the API's instants are written ("2026-11-26" alone is refused).
const ISO_INSTANT = { strict: true, strictSeparator: true } as const;
const instantMessage = { message: '$property must be an ISO-8601 date-time' };

/** An instant (ISO-8601 date-time) from the query string; the error names the field. */
export function Instant(doc: ApiPropertyOptions = {}): PropertyDecorator {
  return stacked(ApiProperty(doc), IsISO8601(ISO_INSTANT, instantMessage));
}

/** The same, optional. */
export function OptionalInstant(doc: ApiPropertyOptions = {}): PropertyDecorator {
  return stacked(ApiPropertyOptional(doc), IsOptional(), IsISO8601(ISO_INSTANT, instantMessage));
}

/** A nested object of the body, validated by its own class (which also names its schema). */
export function Nested(cls: ClassType<unknown>, doc: ApiPropertyOptions = {}): PropertyDecorator {
  return stacked(ApiProperty({ type: cls, ...doc } as ApiPropertyOptions), ValidateNested(), Type(() => cls));
}

/** The same, optional. */
export function OptionalNested(cls: ClassType<unknown>, doc: ApiPropertyOptions = {}): PropertyDecorator {
  return stacked(ApiPropertyOptional({ type: cls, ...doc } as ApiPropertyOptions), IsOptional(), ValidateNested(), Type(() => cls));
}
