import { Body, Param, Post, Res } from '@nestjs/common';
import { AuthPrincipal, CurrentUser } from '@smartgrid/auth';
import { ReqMeta, RequestMeta } from '@smartgrid/http';
import { METER_SORTS, MeterChanges, MetersService } from '@smartgrid/registry';
import type { Response } from 'express';
import { RegistryAudit } from '../registry/registry.audit';
import { RecordCreateRoute, RecordDeleteRoute, RecordGetRoute, RecordListRoute, RecordUpdateRoute, RegistryChange, RegistryController } from '../registry/registry-routes.decorators';
import { deviceListQuery, devicePage, FeatureCollection } from '../registry/registry-listing.query';
import { dateOrNull, ListRequest, RegistryIdParams, RegistryListQueryPipe, RegistryQuery } from '../registry/registry.dto';
import { FeatureCollectionView } from '../registry/registry.responses';
import { CreateAssignmentDto, CreateMeterDto, MeterListQueryDto, UpdateMeterDto } from './meter.dto';
import { AssignmentsResponse, assignmentsResponse, MeterDetailView, meterDetailView, MeterPage, meterView } from './meters-registry.responses';

/**
 * The meter registry and its customer assignments: viewers list and read; operators register,
 * change, assign and delete (only a meter without readings). Every change is audited; an
 * assignment change re-attributes the consumption it covers (recomputed in PostgreSQL).
 */
@RegistryController('meters')
export class MetersRegistryController {
  constructor(
    private readonly meters: MetersService,
    private readonly audit: RegistryAudit,
  ) {}

  @RecordListRoute(
    'List meters: filters status, customer_id, q (id/name/serial), near+radius_m, bbox, silent_for, meta.<path>=<value>; sort; cursor pages; format=geojson',
    MeterListQueryDto,
    MeterPage,
    FeatureCollectionView,
  )
  async list(
    @RegistryQuery(new RegistryListQueryPipe(MeterListQueryDto, true)) req: ListRequest<MeterListQueryDto>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MeterPage | FeatureCollection> {
    const { query: q, meta } = req;
    const page = await this.meters.list(deviceListQuery(q, meta, METER_SORTS), q.cursor);
    return devicePage(page.items.map(meterView), page.nextCursor, q.format, res);
  }

  @RecordCreateRoute(
    'meter',
    { summary: 'Register a meter (optionally for a customer, since the beginning), or complete one first seen in a reading', created: MeterDetailView },
    'Invalid input (an unknown customerId too); fields names it',
  )
  async create(@Body() body: CreateMeterDto, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<MeterDetailView> {
    const change = await this.meters.register(
      { id: body.id, status: body.status ?? 'active', ...optional(body), ...(body.customerId !== undefined ? { customerId: body.customerId } : {}) },
      user.username,
    );
    await this.audit.changed(user, meta, 'registry.meter.create', `meters/${body.id}`, change.before, change.after);
    return meterDetailView(change.after!);
  }

  @RecordGetRoute('meter', { summary: 'One meter with its assignment history, customer mismatches and newest reading', ok: MeterDetailView })
  async get(@Param() p: RegistryIdParams): Promise<MeterDetailView> {
    return meterDetailView(await this.meters.get(p.id));
  }

  @RecordUpdateRoute('meter', { summary: 'Change a meter (given fields; null clears); status decommissioned sets decommissionedAt', ok: MeterDetailView })
  async update(@Param() p: RegistryIdParams, @Body() body: UpdateMeterDto, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<MeterDetailView> {
    const changes: MeterChanges = { ...optional(body), ...(body.status !== undefined ? { status: body.status } : {}) };
    const change = await this.meters.update(p.id, changes);
    await this.audit.changed(user, meta, 'registry.meter.update', `meters/${p.id}`, change.before, change.after);
    return meterDetailView(change.after!);
  }

  @RecordDeleteRoute(
    'meter',
    { summary: 'Delete a meter that has no readings and no sensors (a mistaken registration)', ok: MeterDetailView },
    'The meter has readings (decommission it instead) or sensors attached',
  )
  async remove(@Param() p: RegistryIdParams, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<MeterDetailView> {
    const removed = await this.meters.remove(p.id);
    await this.audit.changed(user, meta, 'registry.meter.delete', `meters/${p.id}`, removed, null);
    return meterDetailView(removed);
  }

  @Post(':id/assignments')
  @RegistryChange(
    {
      summary: 'Assign the meter to a customer from a date (until the next assignment); consumption since then is re-attributed, past days recomputed',
      created: AssignmentsResponse,
    },
    { 400: 'Invalid input or unknown customerId; fields names it', 404: 'No such meter' },
  )
  async assign(@Param() p: RegistryIdParams, @Body() body: CreateAssignmentDto, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<AssignmentsResponse> {
    const from = body.from === null ? null : new Date(/^\d{4}-\d{2}-\d{2}$/.test(body.from) ? `${body.from}T00:00:00Z` : body.from);
    const change = await this.meters.assign(p.id, body.customerId, from, user.username);
    await this.audit.changed(user, meta, 'registry.meter.assign', `meters/${p.id}/assignments`, change.before, change.after);
    return assignmentsResponse(p.id, change.after ?? []);
  }
}

function optional(body: CreateMeterDto | UpdateMeterDto): MeterChanges {
  const out: MeterChanges = {};
  if (body.name !== undefined) out.name = body.name;
  if (body.serial !== undefined) out.serial = body.serial;
  if (body.model !== undefined) out.model = body.model;
  if (body.location !== undefined) out.location = body.location === null ? null : { lat: body.location.lat, lon: body.location.lon };
  const installedAt = dateOrNull(body.installedAt);
  if (installedAt !== undefined) out.installedAt = installedAt;
  const decommissionedAt = dateOrNull(body.decommissionedAt);
  if (decommissionedAt !== undefined) out.decommissionedAt = decommissionedAt;
  return out;
}
