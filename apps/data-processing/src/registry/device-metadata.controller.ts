import { Body, Controller, Get, Param, Patch, Put, Type, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiConsumes, ApiSchema, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { AuthPrincipal, CurrentUser } from '@smartgrid/auth';
import { ApiErrors, ReqMeta, RequestMeta } from '@smartgrid/http';
import { DeviceKind, DeviceMetadataService } from '@smartgrid/registry';
import { RegistryAudit } from './registry.audit';
import { RegistryChange, RegistryRead } from './registry-routes.decorators';
import { RegistryErrorsInterceptor } from './registry-errors.interceptor';
import { RegistryIdParams } from './registry.dto';
import { MetadataResponse } from './registry.responses';

export const MERGE_PATCH_TYPE = 'application/merge-patch+json';

/** Any JSON object (nested objects, arrays, scalars); keys not empty, no leading `$`, no `.`; at most 16 KiB. */
@ApiSchema({ name: 'DeviceMetadataBody', description: 'Any JSON object; keys not empty, without a leading $ or a dot; at most 16 KiB serialised' })
export class DeviceMetadataBody {}

const METADATA_BODY = {
  schema: { $ref: getSchemaPath(DeviceMetadataBody) },
  examples: { firmware: { value: { firmware: '2.1', tags: ['feeder-7'], calibration: { date: '2026-10-01', by: 'acme' } } } },
};

/**
 * GET|PUT|PATCH /api/<sensors|meters>/:id/metadata — the device's metadata document in MongoDB
 * (any nested fields). PUT replaces it, PATCH applies a JSON merge patch (RFC 7396; sent as
 * application/merge-patch+json or application/json). Without MongoDB these answer 503 naming
 * it while the rest of the registry keeps working.
 */
export function deviceMetadataController(kind: DeviceKind, path: 'sensors' | 'meters'): Type {
  @ApiTags(path)
  @ApiBearerAuth()
  @ApiExtraModels(DeviceMetadataBody)
  @ApiErrors({
    400: 'Invalid id; fields names it',
    401: 'No or invalid bearer token',
    404: `No such ${kind}`,
    503: 'MongoDB (metadata documents) or PostgreSQL (the registry) does not answer; the message names it',
  })
  @UseInterceptors(RegistryErrorsInterceptor)
  @Controller(`api/${path}`)
  class DeviceMetadataController {
    constructor(
      readonly metadata: DeviceMetadataService,
      readonly audit: RegistryAudit,
    ) {}

    @Get(':id/metadata')
    @RegistryRead({ summary: `The ${kind}'s metadata document`, ok: MetadataResponse })
    async get(@Param() p: RegistryIdParams): Promise<MetadataResponse> {
      return this.metadata.get({ kind, id: p.id });
    }

    @Put(':id/metadata')
    @RegistryChange(
      { summary: `Replace the ${kind}'s metadata (the body is the new document)`, ok: MetadataResponse },
      { 400: 'Not an object, or a key or value stores cannot hold (fields names the path)' },
    )
    @ApiBody(METADATA_BODY)
    replace(@Param() p: RegistryIdParams, @Body() body: unknown, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<MetadataResponse> {
      return this.write('replace', p.id, body, user, meta);
    }

    @Patch(':id/metadata')
    @RegistryChange(
      { summary: `Merge-patch the ${kind}'s metadata (RFC 7396: objects merge, null removes a key, other values replace)`, ok: MetadataResponse },
      { 400: 'Not an object, or the result is not storable (fields names the path)' },
    )
    @ApiConsumes(MERGE_PATCH_TYPE, 'application/json')
    @ApiBody(METADATA_BODY)
    patch(@Param() p: RegistryIdParams, @Body() body: unknown, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<MetadataResponse> {
      return this.write('patch', p.id, body, user, meta);
    }

    /** PUT and PATCH alike: the service computes and stores the document, the change is audited (`registry.<kind>.metadata.<how>`). */
    private async write(how: 'replace' | 'patch', id: string, body: unknown, user: AuthPrincipal, meta: RequestMeta): Promise<MetadataResponse> {
      const change = await this.metadata[how]({ kind, id }, body, user.username);
      await this.audit.changed(user, meta, `registry.${kind}.metadata.${how}`, `${path}/${id}/metadata`, change.before?.metadata, change.after?.metadata);
      return change.after!;
    }
  }
  Object.defineProperty(DeviceMetadataController, 'name', { value: `${kind === 'sensor' ? 'Sensor' : 'Meter'}MetadataController` });
  return DeviceMetadataController;
}

export const SensorMetadataController = deviceMetadataController('sensor', 'sensors');
export const MeterMetadataController = deviceMetadataController('meter', 'meters');
