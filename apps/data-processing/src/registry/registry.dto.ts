import { applyDecorators, createParamDecorator, ExecutionContext, Injectable, PipeTransform, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiQuery, getSchemaPath } from '@nestjs/swagger';
import { Type as TransformType } from 'class-transformer';
import { IsIn, IsISO8601, IsNumber, IsOptional, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ContractId, InvalidInputException, OptionalString, PRINTABLE, PageLimit, createValidationPipe } from '@smartgrid/http';
import { MetaFilter, OPERATOR_STATUSES, OperatorStatus, RegistryInputError, splitMetaFilters } from '@smartgrid/registry';

// Request shapes shared by the customers, meters and sensors registry routes.

export const ISO = { strict: true, strictSeparator: true } as const;
export const ISO_DATE_TIME = { message: '$property must be an ISO-8601 date-time with a zone' };
export { PRINTABLE };
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

export class LocationDto {
  @ApiProperty({ minimum: -90, maximum: 90, example: 41.3275 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  lat!: number;

  @ApiProperty({ minimum: -180, maximum: 180, example: 19.8187 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  lon!: number;
}

/** Registry ids follow the reading contract: 1–128 printable characters. */
export class RegistryIdParams {
  @ContractId({ description: 'Customer, meter or sensor id (1-128 printable characters)', example: 'S-1001' })
  id!: string;
}

export class StatusField {
  @ApiPropertyOptional({ enum: OPERATOR_STATUSES, description: 'Default on creation: active. decommissioned sets decommissionedAt (now unless given)' })
  @IsOptional()
  @IsIn(OPERATOR_STATUSES)
  status?: OperatorStatus;
}

/** What an operator sets on any device (meter, sensor), on registration and on change; null clears. */
export class DeviceFieldsDto extends StatusField {
  @OptionalString({ nullable: true }, Length(1, 200))
  name?: string | null;

  @ApiPropertyOptional({ type: LocationDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @TransformType(() => LocationDto)
  location?: LocationDto | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601(ISO, ISO_DATE_TIME)
  installedAt?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'Only with status decommissioned' })
  @IsOptional()
  @IsISO8601(ISO, ISO_DATE_TIME)
  decommissionedAt?: string | null;
}

/** Query parameters every registry listing takes (plus `meta.<path>=` on devices). */
export class RegistryListQueryDto {
  @OptionalString({ description: 'Comma-separated statuses: unregistered, active, inactive, decommissioned', example: 'active,unregistered' }, MaxLength(100))
  status?: string;

  @OptionalString(
    { description: 'Case-insensitive substring of the id or name', example: 'feeder' },
    Length(1, 128),
    Matches(PRINTABLE, { message: 'q must not contain control characters' }),
  )
  q?: string;

  @OptionalString({ description: 'Sort field, - prefix for descending (e.g. -lastSeenAt); default id, or distance with near', example: 'name' }, MaxLength(32))
  sort?: string;

  @PageLimit(MAX_LIST_LIMIT, { default: DEFAULT_LIST_LIMIT })
  limit?: number;

  @OptionalString({ description: 'nextCursor of the previous page (same filters and sort)' }, MaxLength(2048))
  cursor?: string;
}

/** Device listings (meters, sensors): map queries, fleet views, metadata filters, GeoJSON. */
export class DeviceListQueryDto extends RegistryListQueryDto {
  @OptionalString({ description: 'Assigned to this customer now (sensors: on a meter assigned to it)', example: 'C-301' }, Length(1, 128))
  customer_id?: string;

  @OptionalString({ description: '<lat>,<lon>: within radius_m of this point, nearest first, with distance_m', example: '41.3275,19.8187' }, MaxLength(64))
  near?: string;

  @OptionalString({ description: 'Radius in metres for near (up to 100000)', example: '500' }, MaxLength(16))
  radius_m?: string;

  @OptionalString({ description: '<minLon>,<minLat>,<maxLon>,<maxLat> (degrees)', example: '19.80,41.31,19.84,41.34' }, MaxLength(128))
  bbox?: string;

  @OptionalString({ description: 'ISO-8601 duration: no reading for longer than this (decommissioned devices left out)', example: 'PT15M' }, MaxLength(32))
  silent_for?: string;

  @ApiPropertyOptional({ enum: ['json', 'geojson'], default: 'json', description: 'geojson: a FeatureCollection (application/geo+json)' })
  @IsOptional()
  @IsIn(['json', 'geojson'])
  format?: 'json' | 'geojson';
}

/** `installedAt` / `decommissionedAt` as given (ISO-8601), or null to clear. */
export function dateOrNull(v: string | null | undefined): Date | null | undefined {
  return v === undefined ? undefined : v === null ? null : new Date(v);
}

export interface ListRequest<Q> {
  query: Q;
  meta: MetaFilter[];
}

/** The raw query string, for RegistryListQueryPipe (the global pipe skips custom decorators). */
export const RegistryQuery = createParamDecorator((_: unknown, ctx: ExecutionContext): Record<string, unknown> => {
  return { ...(ctx.switchToHttp().getRequest<{ query?: Record<string, unknown> }>().query ?? {}) };
});

/**
 * Splits `meta.<path>` filters off the query string and validates the rest against the
 * listing's DTO (unknown parameters refused, as everywhere), 400 naming each bad one.
 */
@Injectable()
export class RegistryListQueryPipe<Q extends object> implements PipeTransform<Record<string, unknown>, Promise<ListRequest<Q>>> {
  private readonly pipe = createValidationPipe({ validateCustomDecorators: true });

  constructor(
    private readonly dto: Type<Q>,
    private readonly allowMeta: boolean,
  ) {}

  async transform(raw: Record<string, unknown>): Promise<ListRequest<Q>> {
    let split: ReturnType<typeof splitMetaFilters>;
    try {
      split = this.allowMeta ? splitMetaFilters(raw) : { meta: [], rest: raw };
    } catch (err) {
      if (err instanceof RegistryInputError) throw new InvalidInputException([{ field: err.field, message: err.message }]);
      throw err;
    }
    const query = (await this.pipe.transform(split.rest, { type: 'custom', metatype: this.dto })) as Q;
    return { query, meta: split.meta };
  }
}

/**
 * OpenAPI for a listing read through RegistryQuery (which Nest's explorer cannot see): the
 * DTO's fields as query parameters, `meta.<path>` filters (devices) as one form-exploded
 * object parameter, and the page as JSON or, for devices, a GeoJSON FeatureCollection.
 */
export function ApiRegistryListing(query: Type, page: Type, geojson?: Type): MethodDecorator {
  const content: Record<string, { schema: { $ref: string } }> = { 'application/json': { schema: { $ref: getSchemaPath(page) } } };
  if (geojson) content['application/geo+json'] = { schema: { $ref: getSchemaPath(geojson) } };
  return applyDecorators(
    ApiQuery({ type: query }),
    ...(geojson
      ? [
          ApiQuery({
            name: 'meta',
            required: false,
            style: 'form',
            explode: true,
            schema: { type: 'object', additionalProperties: { type: 'string' } },
            description:
              'Metadata filters as meta.<path>=<value> (e.g. meta.firmware=2.1, meta.vendor.name=acme); the value also matches the number, boolean or null it spells, and an array containing it. Repeat a parameter to require several values.',
          }),
        ]
      : []),
    ApiExtraModels(page, ...(geojson ? [geojson] : [])),
    ApiOkResponse({ description: geojson ? 'A page (JSON), or with format=geojson a FeatureCollection' : 'A page', content }),
  );
}
