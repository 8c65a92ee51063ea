import type {
  Customer,
  CustomerContact,
  CustomerMismatch,
  GeoPoint,
  LatestMeterReading,
  LatestSensorReading,
  Meter,
  MeterAssignment,
  RegistryStatus,
  Sensor,
} from '@smartgrid/registry';

// Rows of the registry tables as the queries of this folder select them, and their one
// mapping to and from the domain. Nothing else in this lib turns registry rows into records.

export interface CustomerRow {
  id: string;
  name: string | null;
  address: string | null;
  contact: CustomerContact;
  status: RegistryStatus;
  created_at: Date;
  updated_at: Date;
}

interface Located {
  lat: number | null;
  lon: number | null;
}

export interface MeterRow extends Located {
  id: string;
  name: string | null;
  serial: string | null;
  model: string | null;
  status: RegistryStatus;
  installed_at: Date | null;
  decommissioned_at: Date | null;
  created_at: Date;
  updated_at: Date;
  last_seen_at: Date | null;
  customer_id: string | null;
  distance_m?: number | null;
}

export interface SensorRow extends Located {
  id: string;
  name: string | null;
  sensor_type: string;
  unit: string | null;
  status: RegistryStatus;
  meter_id: string | null;
  site: string | null;
  installed_at: Date | null;
  decommissioned_at: Date | null;
  created_at: Date;
  updated_at: Date;
  last_seen_at: Date | null;
  distance_m?: number | null;
}

export interface AssignmentRow {
  customer_id: string;
  /** NULL for '-infinity' (since the beginning). */
  valid_from: Date | null;
  until: Date | null;
  created_at: Date;
  created_by: string;
}

export interface MismatchRow {
  meter_id: string;
  reading_customer_id: string;
  registry_customer_id: string;
  first_ts: Date;
  last_ts: Date;
  readings: string;
  notified_readings: string;
}

export interface MeterLatestRow {
  ts: Date;
  customer_id: string;
  energy_kwh: number;
  power_kw: number | null;
  voltage: number | null;
}

export interface SensorLatestRow {
  ts: Date;
  value: number;
  unit: string | null;
}

/** Columns every registry select shares for a location (a geography point). */
export const locationColumns = (alias: string): string => `ST_Y(${alias}.location::geometry) AS lat, ST_X(${alias}.location::geometry) AS lon`;

/** The geography of a point given as two parameters (lon, lat). */
export const pointSql = (lonParam: string, latParam: string): string => `ST_SetSRID(ST_MakePoint(${lonParam}, ${latParam}), 4326)::geography`;

function location(r: Located): GeoPoint | null {
  return r.lat === null || r.lon === null ? null : { lat: r.lat, lon: r.lon };
}

function withDistance<T extends object>(out: T, d: number | null | undefined): T & { distanceM?: number } {
  return d === undefined || d === null ? out : { ...out, distanceM: d };
}

export const RegistryMapper = {
  customerToDomain(r: CustomerRow): Customer {
    return { id: r.id, name: r.name, address: r.address, contact: r.contact ?? {}, status: r.status, createdAt: r.created_at, updatedAt: r.updated_at };
  },

  meterToDomain(r: MeterRow): Meter {
    return withDistance(
      {
        id: r.id,
        name: r.name,
        serial: r.serial,
        model: r.model,
        location: location(r),
        status: r.status,
        installedAt: r.installed_at,
        decommissionedAt: r.decommissioned_at,
        customerId: r.customer_id,
        lastSeenAt: r.last_seen_at,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      },
      r.distance_m,
    );
  },

  sensorToDomain(r: SensorRow): Sensor {
    return withDistance(
      {
        id: r.id,
        name: r.name,
        sensorType: r.sensor_type,
        unit: r.unit,
        location: location(r),
        status: r.status,
        meterId: r.meter_id,
        site: r.site,
        installedAt: r.installed_at,
        decommissionedAt: r.decommissioned_at,
        lastSeenAt: r.last_seen_at,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      },
      r.distance_m,
    );
  },

  assignmentToDomain(r: AssignmentRow): MeterAssignment {
    return { customerId: r.customer_id, from: r.valid_from, until: r.until, createdAt: r.created_at, createdBy: r.created_by };
  },

  mismatchToDomain(r: MismatchRow): CustomerMismatch {
    return {
      readingCustomerId: r.reading_customer_id,
      registryCustomerId: r.registry_customer_id,
      firstReadingAt: r.first_ts,
      lastReadingAt: r.last_ts,
      readings: Number(r.readings),
    };
  },

  meterLatestToDomain(r: MeterLatestRow): LatestMeterReading {
    return { timestamp: r.ts, customerId: r.customer_id, energyKwh: r.energy_kwh, powerKw: r.power_kw, voltage: r.voltage };
  },

  sensorLatestToDomain(r: SensorLatestRow): LatestSensorReading {
    return { timestamp: r.ts, value: r.value, unit: r.unit };
  },

  /** Column values of a point (lon, lat order as ST_MakePoint takes them); nulls clear it. */
  locationToPersistence(p: GeoPoint | null): [number | null, number | null] {
    return p === null ? [null, null] : [p.lon, p.lat];
  },

  /** A date column's value (ISO text, or null). */
  dateToPersistence(d: Date | null | undefined): string | null {
    return d ? d.toISOString() : null;
  },
};
