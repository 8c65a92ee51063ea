import type { DeviceRef, MetadataDocument } from '@smartgrid/registry';
import type { DeviceMetadataRecord } from './device-metadata.schema';

/** The one mapping between device metadata documents and their MongoDB records. */
export const DeviceMetadataMapper = {
  idOf(ref: DeviceRef): string {
    return `${ref.kind}:${ref.id}`;
  },

  toPersistence(doc: MetadataDocument): DeviceMetadataRecord {
    return {
      _id: DeviceMetadataMapper.idOf({ kind: doc.kind, id: doc.deviceId }),
      kind: doc.kind,
      deviceId: doc.deviceId,
      metadata: doc.metadata,
      rev: doc.rev,
      updatedAt: doc.updatedAt,
      updatedBy: doc.updatedBy,
    };
  },

  toDomain(r: DeviceMetadataRecord): MetadataDocument {
    return { kind: r.kind, deviceId: r.deviceId, metadata: r.metadata ?? {}, rev: r.rev, updatedAt: new Date(r.updatedAt), updatedBy: r.updatedBy };
  },
};
