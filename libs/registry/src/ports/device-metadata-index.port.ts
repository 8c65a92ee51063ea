import type { DeviceRef, Metadata } from '../metadata/device-metadata.model';

/** A device's registry row as the metadata writer needs it. */
export interface DeviceState {
  ref: DeviceRef;
  /** Revision of the metadata copied into the registry (0: none yet). */
  rev: number;
  /** When this registry row was created: a metadata document older than that belongs to an earlier device with the same id. */
  registeredAt: Date;
  /** The registry's clock when the row was read (timestamps of documents written under the lock). */
  now: Date;
}

/** The registry's copy of a metadata document, used by `meta.<path>` filters. */
export interface MetadataCopy {
  ref: DeviceRef;
  metadata: Metadata;
  rev: number;
}

/** A metadata change a device reported in a reading, waiting to be applied to its document. */
export interface InboxEntry {
  /** Opaque; increases in the order ingest recorded the changes. */
  seq: string;
  ref: DeviceRef;
  /** Merge patch (RFC 7396) of the reported metadata. */
  patch: Metadata;
  observedAt: Date;
}

export interface LockedWork<T> {
  /** Copies to store before the locks are released. */
  copies: MetadataCopy[];
  result: T;
}

/**
 * The metadata side of the registry rows (PostgreSQL): the lock that serialises writers of
 * one device's metadata (API and ingest alike, across instances), the search copy, and the
 * inbox of reported changes. Adapters throw RegistryStoreUnavailableError('postgres') when
 * the store does not answer; errors thrown by `work` pass through unchanged (and undo the
 * copies).
 */
export interface DeviceMetadataIndex {
  /** States of the devices that exist (keyed by deviceKey), no lock taken. */
  states(refs: readonly DeviceRef[]): Promise<Map<string, DeviceState>>;
  /** Runs `work` while the devices' registry rows are locked; devices that do not exist are absent from the map. */
  withDevicesLocked<T>(refs: readonly DeviceRef[], work: (states: Map<string, DeviceState>) => Promise<LockedWork<T>>): Promise<T>;
  /**
   * Takes up to `limit` of the oldest inbox entries (one drainer at a time across instances;
   * null when another holds the turn), locks their devices, runs `work`, stores the copies it
   * returns and removes the entries it reports done.
   */
  drainInbox(
    limit: number,
    work: (entries: InboxEntry[], states: Map<string, DeviceState>) => Promise<{ copies: MetadataCopy[]; done: string[] }>,
  ): Promise<{ entries: number; done: number } | null>;
  /** Entries waiting (for metrics). */
  inboxDepth(): Promise<number>;
}

export const DEVICE_METADATA_INDEX = Symbol('DEVICE_METADATA_INDEX');
