import { validateMetadata } from '@smartgrid/hybrid-storage';
import { isDeepStrictEqual } from 'node:util';
import { RegistryInputError } from '../registry.errors';
import type { DeviceKind } from '../registry.model';

/** A sensor or meter, as the metadata store knows it. */
export interface DeviceRef {
  kind: DeviceKind;
  id: string;
}

export type Metadata = Record<string, unknown>;

export function deviceKey(ref: DeviceRef): string {
  return `${ref.kind}:${ref.id}`;
}

/** One device's flexible metadata (any nested fields), kept in MongoDB. */
export interface MetadataDocument {
  kind: DeviceKind;
  deviceId: string;
  metadata: Metadata;
  /** Increases with every change; the registry's search copy carries the revision it copied. */
  rev: number;
  updatedAt: Date;
  /** A username, or `device` for changes the device reported in its readings. */
  updatedBy: string;
}

/** What the API shows: a device without a document yet has empty metadata and revision 0. */
export interface MetadataView {
  kind: DeviceKind;
  deviceId: string;
  metadata: Metadata;
  rev: number;
  updatedAt: Date | null;
  updatedBy: string | null;
}

export const DEVICE_ACTOR = 'device';

export function viewOf(ref: DeviceRef, doc: MetadataDocument | null): MetadataView {
  return doc
    ? { kind: ref.kind, deviceId: ref.id, metadata: doc.metadata, rev: doc.rev, updatedAt: doc.updatedAt, updatedBy: doc.updatedBy }
    : { kind: ref.kind, deviceId: ref.id, metadata: {}, rev: 0, updatedAt: null, updatedBy: null };
}

/**
 * Checks metadata by the rules readings' metadata follows (storable text, keys usable as
 * MongoDB field names and in `meta.<path>` filters, nesting, 16 KiB), naming the path under
 * `field`. Returns a detached JSON copy.
 */
export function checkMetadata(raw: unknown, field: string): Metadata {
  const r = validateMetadata(raw, field);
  if (!r.ok) throw new RegistryInputError(r.error.field, r.error.detail);
  return r.value;
}

/**
 * RFC 7396 JSON merge patch: objects merge key by key (recursively), `null` removes a key,
 * anything else (arrays too) replaces. Pure: neither argument is changed. (Written here
 * rather than taken from a package: the common one stops at keys named `constructor` or
 * `prototype` and drops the rest of the patch, and device metadata may use those names.)
 */
export function applyMergePatch(target: Metadata, patch: Metadata): Metadata {
  const out: Metadata = cloneJson(target);
  for (const [key, value] of Object.entries(patch)) {
    if (key === '__proto__') continue; // refused by checkMetadata; never assigned
    if (value === null) {
      delete out[key];
    } else if (isObject(value)) {
      const current = out[key];
      out[key] = applyMergePatch(isObject(current) ? current : {}, value);
    } else {
      out[key] = cloneJson(value);
    }
  }
  return out;
}

/** A deep copy of JSON data (plain objects of this realm, unlike structuredClone's under a VM sandbox such as Jest's). */
function cloneJson<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function isObject(v: unknown): v is Metadata {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function sameMetadata(a: Metadata, b: Metadata): boolean {
  return isDeepStrictEqual(a, b);
}
