import type { DeviceRef, MetadataDocument } from '../metadata/device-metadata.model';

/**
 * The home of device metadata documents (MongoDB): one per sensor and per meter. Adapters
 * throw RegistryStoreUnavailableError('mongodb') when the store does not answer.
 */
export interface DeviceMetadataStore {
  /** False while no connection is open: callers refuse at once instead of waiting. */
  isAvailable(): boolean;
  get(ref: DeviceRef): Promise<MetadataDocument | null>;
  getMany(refs: readonly DeviceRef[]): Promise<MetadataDocument[]>;
  /** Stores each document whole (created or replaced). */
  putMany(docs: readonly MetadataDocument[]): Promise<void>;
  delete(ref: DeviceRef): Promise<void>;
}

export const DEVICE_METADATA_STORE = Symbol('DEVICE_METADATA_STORE');
