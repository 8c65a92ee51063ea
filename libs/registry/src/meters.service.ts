import { Inject, Injectable } from '@nestjs/common';
import { lifecycleChanges, UNREGISTERED } from './registry.lifecycle';
import type { MeterListQuery, Page } from './listing/list-query.model';
import { paged } from './listing/listing.pages';
import { DeviceMetadataService } from './metadata/device-metadata.service';
import { METERS_STORE, MetersStore } from './ports/meters-store.port';
import { RegistryNotFoundError } from './registry.errors';
import type { Change, Meter, MeterAssignment, MeterChanges, MeterDetail, NewMeter } from './registry.model';

/** Meters: lifecycle rules, customer assignments with effective dates, listing. */
@Injectable()
export class MetersService {
  constructor(
    @Inject(METERS_STORE) private readonly store: MetersStore,
    private readonly metadata: DeviceMetadataService,
  ) {}

  register(meter: NewMeter, actor: string): Promise<Change<MeterDetail>> {
    const lifecycle = lifecycleChanges(UNREGISTERED, meter, new Date());
    return this.store.register({ ...meter, decommissionedAt: lifecycle.decommissionedAt ?? null }, actor);
  }

  async get(id: string): Promise<MeterDetail> {
    return (await this.store.get(id)) ?? notFound(id);
  }

  async update(id: string, changes: MeterChanges): Promise<Change<MeterDetail>> {
    const now = new Date();
    const change = await this.store.modify(id, (current) => ({ ...changes, ...lifecycleChanges(current, changes, now) }));
    return change ?? notFound(id);
  }

  async remove(id: string): Promise<MeterDetail> {
    const removed = (await this.store.remove(id)) ?? notFound(id);
    await this.metadata.forget({ kind: 'meter', id });
    return removed;
  }

  list(query: Omit<MeterListQuery, 'after'>, cursor?: string): Promise<Page<Meter>> {
    return paged(query, cursor, (q: MeterListQuery) => this.store.list(q));
  }

  /** Assigns the meter from `from` (null: since the beginning); consumption already stored is re-attributed. */
  async assign(meterId: string, customerId: string, from: Date | null, actor: string): Promise<Change<MeterAssignment[]>> {
    return (await this.store.assign(meterId, customerId, from, actor)) ?? notFound(meterId);
  }
}

function notFound(id: string): never {
  throw new RegistryNotFoundError('meter', id);
}
