/**
 * The grid registry's records: customers, meters (with dated customer assignments) and
 * sensors. Devices first seen in a reading are `unregistered` until an operator completes
 * them; `decommissioned` devices keep their history (deleting them is refused).
 */
export const REGISTRY_STATUSES = ['unregistered', 'active', 'inactive', 'decommissioned'] as const;
export type RegistryStatus = (typeof REGISTRY_STATUSES)[number];

/** Statuses an operator may give (`unregistered` is only ever given by ingest). */
export const OPERATOR_STATUSES = ['active', 'inactive', 'decommissioned'] as const;
export type OperatorStatus = (typeof OPERATOR_STATUSES)[number];

export type DeviceKind = 'sensor' | 'meter';
export type RegistryEntity = 'customer' | 'meter' | 'sensor';

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface CustomerContact {
  name?: string;
  email?: string;
  phone?: string;
}

export interface Customer {
  id: string;
  name: string | null;
  address: string | null;
  contact: CustomerContact;
  status: RegistryStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewCustomer {
  id: string;
  name?: string | null;
  address?: string | null;
  contact?: CustomerContact;
  status: OperatorStatus;
}

/** `null` clears a field; an absent key leaves it as it is. */
export interface CustomerChanges {
  name?: string | null;
  address?: string | null;
  contact?: CustomerContact;
  status?: OperatorStatus;
}

/** Device fields both kinds share. */
export interface DeviceLifecycle {
  status: RegistryStatus;
  installedAt: Date | null;
  /** Set exactly when `status` is `decommissioned`. */
  decommissionedAt: Date | null;
}

export interface Meter extends DeviceLifecycle {
  id: string;
  name: string | null;
  serial: string | null;
  model: string | null;
  location: GeoPoint | null;
  /** The customer assigned now (null: none). */
  customerId: string | null;
  /** Timestamp of the newest reading (null: none yet). */
  lastSeenAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Metres from the `near` point, when the listing asked for one. */
  distanceM?: number;
}

/** Meter ↔ customer from `from` (null: since the beginning) until the next assignment. */
export interface MeterAssignment {
  customerId: string;
  from: Date | null;
  /** Start of the next assignment; null: still in force. */
  until: Date | null;
  createdAt: Date;
  /** Who made it: a username, or `ingest` for the assignment made on first sight. */
  createdBy: string;
}

/** Readings that named another customer than the registry's assignment at their time. */
export interface CustomerMismatch {
  readingCustomerId: string;
  registryCustomerId: string;
  firstReadingAt: Date;
  lastReadingAt: Date;
  readings: number;
}

export interface LatestMeterReading {
  timestamp: Date;
  customerId: string;
  energyKwh: number;
  powerKw: number | null;
  voltage: number | null;
}

export interface MeterDetail extends Meter {
  /** Oldest first. */
  assignments: MeterAssignment[];
  customerMismatches: CustomerMismatch[];
  latest: LatestMeterReading | null;
}

export interface NewMeter {
  id: string;
  name?: string | null;
  serial?: string | null;
  model?: string | null;
  location?: GeoPoint | null;
  status: OperatorStatus;
  installedAt?: Date | null;
  decommissionedAt?: Date | null;
  /** Assigned since the beginning (the meter's first assignment). */
  customerId?: string;
}

export interface MeterChanges {
  name?: string | null;
  serial?: string | null;
  model?: string | null;
  location?: GeoPoint | null;
  status?: OperatorStatus;
  installedAt?: Date | null;
  decommissionedAt?: Date | null;
}

export interface Sensor extends DeviceLifecycle {
  id: string;
  name: string | null;
  sensorType: string;
  unit: string | null;
  location: GeoPoint | null;
  /** The meter it hangs off, or else the site it stands at (never both). */
  meterId: string | null;
  site: string | null;
  lastSeenAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  distanceM?: number;
}

export interface NewSensor {
  id: string;
  sensorType: string;
  name?: string | null;
  unit?: string | null;
  location?: GeoPoint | null;
  status: OperatorStatus;
  meterId?: string | null;
  site?: string | null;
  installedAt?: Date | null;
  decommissionedAt?: Date | null;
}

export interface SensorChanges {
  sensorType?: string;
  name?: string | null;
  unit?: string | null;
  location?: GeoPoint | null;
  status?: OperatorStatus;
  meterId?: string | null;
  site?: string | null;
  installedAt?: Date | null;
  decommissionedAt?: Date | null;
}

export interface LatestSensorReading {
  timestamp: Date;
  value: number;
  unit: string | null;
}

/** A record before and after a change (null: it did not exist / no longer exists). */
export interface Change<T> {
  before: T | null;
  after: T | null;
}
