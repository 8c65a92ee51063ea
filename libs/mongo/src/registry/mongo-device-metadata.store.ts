import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { messageOf, withTimeout } from '@smartgrid/hybrid-storage';
import { RegistryStoreUnavailableError } from '@smartgrid/registry';
import type { DeviceMetadataStore, DeviceRef, MetadataDocument } from '@smartgrid/registry';
import { ConnectionStates, Model } from 'mongoose';
import { DeviceMetadataMapper } from './device-metadata.mapper';
import { DEVICE_METADATA_MODEL, DeviceMetadataRecord } from './device-metadata.schema';

/** Upper bound of one call: a hung MongoDB must not hold the registry row locks for long. */
const CALL_TIMEOUT_MS = 3000;

/** DeviceMetadataStore over MongoDB (`device_metadata`), every operation by `_id`. */
@Injectable()
export class MongoDeviceMetadataStore implements DeviceMetadataStore, OnModuleInit {
  constructor(@InjectModel(DEVICE_METADATA_MODEL) private readonly model: Model<DeviceMetadataRecord>) {}

  /** The collection is created once connected (the app may start before MongoDB answers). */
  onModuleInit(): void {
    void this.model.db
      .asPromise()
      .then(() => this.model.createCollection())
      .catch(() => undefined); // exists already, or not connected yet: the first write creates it
  }

  isAvailable(): boolean {
    return this.model.db.readyState === ConnectionStates.connected;
  }

  get(ref: DeviceRef): Promise<MetadataDocument | null> {
    return this.call('read', async () => {
      const r = await this.model.findById(DeviceMetadataMapper.idOf(ref)).lean<DeviceMetadataRecord>().exec();
      return r ? DeviceMetadataMapper.toDomain(r) : null;
    });
  }

  getMany(refs: readonly DeviceRef[]): Promise<MetadataDocument[]> {
    // One lookup per id: `_id: {$in: …}` makes FerretDB 1.x scan the collection.
    return this.call('read', async () => {
      const found = await Promise.all(refs.map((ref) => this.model.findById(DeviceMetadataMapper.idOf(ref)).lean<DeviceMetadataRecord>().exec()));
      return found.filter((r): r is DeviceMetadataRecord => r !== null).map(DeviceMetadataMapper.toDomain);
    });
  }

  putMany(docs: readonly MetadataDocument[]): Promise<void> {
    if (docs.length === 0) return Promise.resolve();
    return this.call('write', async () => {
      await this.model.bulkWrite(
        docs.map((d) => {
          const record = DeviceMetadataMapper.toPersistence(d);
          return { replaceOne: { filter: { _id: record._id }, replacement: record, upsert: true } };
        }),
        { ordered: true },
      );
    });
  }

  delete(ref: DeviceRef): Promise<void> {
    return this.call('delete', async () => {
      await this.model.deleteOne({ _id: DeviceMetadataMapper.idOf(ref) }).exec();
    });
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (!this.isAvailable()) throw new RegistryStoreUnavailableError('mongodb', 'no connection to the metadata store');
    try {
      return await withTimeout(work(), CALL_TIMEOUT_MS, `device metadata ${what}`);
    } catch (err) {
      throw new RegistryStoreUnavailableError('mongodb', `device metadata ${what} failed: ${messageOf(err)}`);
    }
  }
}
