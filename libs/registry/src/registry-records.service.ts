import type { KeysetPosition, Page, SortSpec } from './listing/list-query.model';
import { paged } from './listing/listing.pages';
import type { DeviceMetadataService } from './metadata/device-metadata.service';
import type { RecordStore } from './ports/record-store.port';
import { RegistryNotFoundError } from './registry.errors';
import type { RegistryEntity } from './registry.model';

type ListQuery = { sort: SortSpec<string>; after?: KeysetPosition };

/** Reading and listing one kind of registry record alike; a missing one is RegistryNotFoundError naming the kind. */
export abstract class RegistryRecordsService<Detail, Changes, Query extends ListQuery, Listed = Detail> {
  protected constructor(
    private readonly records: RecordStore<Detail, Changes, Query, Listed>,
    private readonly entity: RegistryEntity,
  ) {}

  async get(id: string): Promise<Detail> {
    return (await this.records.get(id)) ?? this.notFound(id);
  }

  list(query: Omit<Query, 'after'>, cursor?: string): Promise<Page<Listed>> {
    return paged(query, cursor, (q: Query) => this.records.list(q));
  }

  protected notFound(id: string): never {
    throw new RegistryNotFoundError(this.entity, id);
  }
}

/** Meters and sensors: deleting a device also forgets its metadata document. */
export abstract class RegistryDevicesService<Detail, Changes, Query extends ListQuery, Listed = Detail> extends RegistryRecordsService<Detail, Changes, Query, Listed> {
  protected constructor(
    private readonly devices: RecordStore<Detail, Changes, Query, Listed>,
    private readonly kind: 'meter' | 'sensor',
    private readonly metadata: DeviceMetadataService,
  ) {
    super(devices, kind);
  }

  async remove(id: string): Promise<Detail> {
    const removed = (await this.devices.remove(id)) ?? this.notFound(id);
    await this.metadata.forget({ kind: this.kind, id });
    return removed;
  }
}
