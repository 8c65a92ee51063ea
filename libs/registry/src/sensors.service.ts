import { Inject, Injectable } from '@nestjs/common';
import { lifecycleChanges, UNREGISTERED } from './registry.lifecycle';
import type { SensorListQuery } from './listing/list-query.model';
import { DeviceMetadataService } from './metadata/device-metadata.service';
import { SENSORS_STORE, SensorsStore } from './ports/sensors-store.port';
import { RegistryInputError } from './registry.errors';
import type { Change, LatestSensorReading, NewSensor, Sensor, SensorChanges } from './registry.model';
import { RegistryDevicesService } from './registry-records.service';

/** Sensors: lifecycle rules, placement (a meter or a site), listing, newest reading. */
@Injectable()
export class SensorsService extends RegistryDevicesService<Sensor, SensorChanges, SensorListQuery> {
  constructor(@Inject(SENSORS_STORE) private readonly store: SensorsStore, metadata: DeviceMetadataService) {
    super(store, 'sensor', metadata);
  }

  register(sensor: NewSensor): Promise<Change<Sensor>> {
    checkPlacement(sensor.meterId ?? null, sensor.site ?? null, 'meterId');
    const lifecycle = lifecycleChanges(UNREGISTERED, sensor, new Date());
    return this.store.register({ ...sensor, decommissionedAt: lifecycle.decommissionedAt ?? null });
  }

  async update(id: string, changes: SensorChanges): Promise<Change<Sensor>> {
    const now = new Date();
    const change = await this.store.modify(id, (current) => {
      const meterId = changes.meterId !== undefined ? changes.meterId : current.meterId;
      const site = changes.site !== undefined ? changes.site : current.site;
      checkPlacement(meterId, site, changes.meterId !== undefined && changes.meterId !== null ? 'meterId' : 'site');
      return { ...changes, ...lifecycleChanges(current, changes, now) };
    });
    return change ?? this.notFound(id);
  }

  async latest(id: string): Promise<{ sensor: Sensor; latest: LatestSensorReading | null }> {
    return (await this.store.latest(id)) ?? this.notFound(id);
  }
}

/** A sensor hangs off a meter or stands at a site, never both. */
function checkPlacement(meterId: string | null, site: string | null, field: 'meterId' | 'site'): void {
  if (meterId !== null && site !== null) {
    throw new RegistryInputError(field, 'a sensor hangs off a meter or stands at a site, not both (set the other to null)');
  }
}
