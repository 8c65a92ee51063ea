import { Body, Get, Param, Res } from '@nestjs/common';
import { AuthPrincipal, CurrentUser } from '@smartgrid/auth';
import { ReqMeta, RequestMeta } from '@smartgrid/http';
import { SENSOR_SORTS, SensorChanges, SensorsService } from '@smartgrid/registry';
import type { Response } from 'express';
import { RegistryAudit } from '../registry/registry.audit';
import { RecordCreateRoute, RecordDeleteRoute, RecordGetRoute, RecordListRoute, RecordUpdateRoute, RegistryController, RegistryRead } from '../registry/registry-routes.decorators';
import { deviceListQuery, devicePage, FeatureCollection } from '../registry/registry-listing.query';
import { dateOrNull, ListRequest, RegistryIdParams, RegistryListQueryPipe, RegistryQuery } from '../registry/registry.dto';
import { FeatureCollectionView } from '../registry/registry.responses';
import { CreateSensorDto, SensorListQueryDto, UpdateSensorDto } from './sensor.dto';
import { SensorLatestResponse, sensorLatestResponse, SensorPage, SensorView, sensorView } from './sensors-registry.responses';

/**
 * The sensor registry: viewers list and read; operators register, change and delete (only a
 * sensor without readings: decommission the others). Every change is audited.
 */
@RegistryController('sensors')
export class SensorsRegistryController {
  constructor(
    private readonly sensors: SensorsService,
    private readonly audit: RegistryAudit,
  ) {}

  @RecordListRoute(
    'List sensors: filters status, type, customer_id, meter_id, site, q (id/name), near+radius_m, bbox, silent_for, meta.<path>=<value>; sort; cursor pages; format=geojson',
    SensorListQueryDto,
    SensorPage,
    FeatureCollectionView,
  )
  async list(
    @RegistryQuery(new RegistryListQueryPipe(SensorListQueryDto, true)) req: ListRequest<SensorListQueryDto>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SensorPage | FeatureCollection> {
    const { query: q, meta } = req;
    const query = {
      ...deviceListQuery(q, meta, SENSOR_SORTS),
      ...(q.type !== undefined ? { sensorType: q.type } : {}),
      ...(q.meter_id !== undefined ? { meterId: q.meter_id } : {}),
      ...(q.site !== undefined ? { site: q.site } : {}),
    };
    const page = await this.sensors.list(query, q.cursor);
    return devicePage(page.items.map(sensorView), page.nextCursor, q.format, res);
  }

  @RecordCreateRoute('sensor', { summary: 'Register a sensor, or complete one first seen in a reading (status unregistered)', created: SensorView })
  async create(@Body() body: CreateSensorDto, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<SensorView> {
    const change = await this.sensors.register({
      id: body.id,
      sensorType: body.sensorType,
      status: body.status ?? 'active',
      ...optional(body),
    });
    await this.audit.changed(user, meta, 'registry.sensor.create', `sensors/${body.id}`, change.before, change.after);
    return sensorView(change.after!);
  }

  @RecordGetRoute('sensor', { summary: 'One sensor', ok: SensorView })
  async get(@Param() p: RegistryIdParams): Promise<SensorView> {
    return sensorView(await this.sensors.get(p.id));
  }

  @Get(':id/latest')
  @RegistryRead({ summary: 'The newest reading of a sensor and how long ago it was (kept as readings are written)', ok: SensorLatestResponse }, { 404: 'No such sensor' })
  async latest(@Param() p: RegistryIdParams): Promise<SensorLatestResponse> {
    const { sensor, latest } = await this.sensors.latest(p.id);
    return sensorLatestResponse(sensor, latest);
  }

  @RecordUpdateRoute('sensor', { summary: 'Change a sensor (given fields; null clears); status decommissioned sets decommissionedAt', ok: SensorView })
  async update(@Param() p: RegistryIdParams, @Body() body: UpdateSensorDto, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<SensorView> {
    const changes: SensorChanges = { ...optional(body) };
    if (body.sensorType !== undefined) changes.sensorType = body.sensorType;
    if (body.status !== undefined) changes.status = body.status;
    const change = await this.sensors.update(p.id, changes);
    await this.audit.changed(user, meta, 'registry.sensor.update', `sensors/${p.id}`, change.before, change.after);
    return sensorView(change.after!);
  }

  @RecordDeleteRoute('sensor', { summary: 'Delete a sensor that has no readings (a mistaken registration)', ok: SensorView }, 'The sensor has readings: decommission it instead')
  async remove(@Param() p: RegistryIdParams, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<SensorView> {
    const removed = await this.sensors.remove(p.id);
    await this.audit.changed(user, meta, 'registry.sensor.delete', `sensors/${p.id}`, removed, null);
    return sensorView(removed);
  }
}

/** The optional fields of a create or update body, as domain values (absent stays absent). */
function optional(body: CreateSensorDto | UpdateSensorDto): SensorChanges {
  const out: SensorChanges = {};
  if (body.name !== undefined) out.name = body.name;
  if (body.unit !== undefined) out.unit = body.unit;
  if (body.location !== undefined) out.location = body.location === null ? null : { lat: body.location.lat, lon: body.location.lon };
  if (body.meterId !== undefined) out.meterId = body.meterId;
  if (body.site !== undefined) out.site = body.site;
  const installedAt = dateOrNull(body.installedAt);
  if (installedAt !== undefined) out.installedAt = installedAt;
  const decommissionedAt = dateOrNull(body.decommissionedAt);
  if (decommissionedAt !== undefined) out.decommissionedAt = decommissionedAt;
  return out;
}
