import { Inject, Injectable } from '@nestjs/common';
import { lifecycleChanges, UNREGISTERED } from './registry.lifecycle';
import type { MeterListQuery } from './listing/list-query.model';
import { DeviceMetadataService } from './metadata/device-metadata.service';
import { METERS_STORE, MetersStore } from './ports/meters-store.port';
import type { Change, Meter, MeterAssignment, MeterChanges, MeterDetail, NewMeter } from './registry.model';
import { RegistryDevicesService } from './registry-records.service';

/** Meters: lifecycle rules, customer assignments with effective dates, listing. */
@Injectable()
export class MetersService extends RegistryDevicesService<MeterDetail, MeterChanges, MeterListQuery, Meter> {
  constructor(@Inject(METERS_STORE) private readonly store: MetersStore, metadata: DeviceMetadataService) {
    super(store, 'meter', metadata);
  }

  register(meter: NewMeter, actor: string): Promise<Change<MeterDetail>> {
    const lifecycle = lifecycleChanges(UNREGISTERED, meter, new Date());
    return this.store.register({ ...meter, decommissionedAt: lifecycle.decommissionedAt ?? null }, actor);
  }

  async update(id: string, changes: MeterChanges): Promise<Change<MeterDetail>> {
    const now = new Date();
    const change = await this.store.modify(id, (current) => ({ ...changes, ...lifecycleChanges(current, changes, now) }));
    return change ?? this.notFound(id);
  }

  /** Assigns the meter from `from` (null: since the beginning); consumption already stored is re-attributed. */
  async assign(meterId: string, customerId: string, from: Date | null, actor: string): Promise<Change<MeterAssignment[]>> {
    return (await this.store.assign(meterId, customerId, from, actor)) ?? this.notFound(meterId);
  }
}
