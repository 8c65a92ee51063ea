import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { retentionConfig } from '@smartgrid/config';
import { DAY_MS as DAY, KEEP_FOREVER, remainingLifeSeconds } from '@smartgrid/hybrid-storage';
import type { MeterReading, RangeDeletion, RetentionPolicy, SensorReading, SeriesKind, SeriesQuery, Stamped, TimeSeriesStore } from '@smartgrid/hybrid-storage';
import { Client, concurrent, types } from 'cassandra-driver';
import { assertCassandraReady, CassandraConnection } from '../cassandra.connection';
import { CASSANDRA_CLIENT } from '../cassandra.constants';
import { cassandraRefusalsClassified } from './cassandra.refusal';
import {
  CASSANDRA_TIMESERIES_OPTIONS,
  CassandraTimeseriesOptions,
  DEFAULT_PARTITION_BATCH_ROWS,
  DEFAULT_WRITE_CONCURRENCY,
} from './cassandra-timeseries.options';

// Every row carries its own TTL: what is left of its retention counted from its timestamp (0
// when the kind is kept forever), so Cassandra expires it exactly when it goes past retention.
const INSERT_SENSOR = `INSERT INTO sensor_readings_by_day (sensor_id, day, ts, sensor_type, value, unit)
  VALUES (?, ?, ?, ?, ?, ?) USING TIMESTAMP ? AND TTL ?`;
const INSERT_SENSOR_DAY = 'INSERT INTO sensors_by_day (day, sensor_id) VALUES (?, ?) USING TTL ?';
const INSERT_METER = `INSERT INTO meter_readings_by_month (meter_id, month, ts, customer_id, energy_kwh, power_kw, voltage)
  VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ? AND TTL ?`;
const INSERT_METER_MONTH = 'INSERT INTO meters_by_month (month, meter_id) VALUES (?, ?) USING TTL ?';
// Range tombstones at the deletion's stamp: they shadow every cell written at or before it.
const DELETE_SENSOR_RANGE = 'DELETE FROM sensor_readings_by_day USING TIMESTAMP ? WHERE sensor_id = ? AND day = ? AND ts >= ? AND ts < ?';
const DELETE_METER_RANGE = 'DELETE FROM meter_readings_by_month USING TIMESTAMP ? WHERE meter_id = ? AND month = ? AND ts >= ? AND ts < ?';
const INSERT_DELETION = 'INSERT INTO deleted_ranges (kind, series_id, deleted_at_us, from_ts, to_ts) VALUES (?, ?, ?, ?, ?)';
const SELECT_DELETIONS = 'SELECT deleted_at_us, from_ts, to_ts FROM deleted_ranges WHERE kind = ? AND series_id = ?';
const SELECT_SENSOR = `SELECT ts, sensor_type, value, unit, WRITETIME(value) AS w FROM sensor_readings_by_day
  WHERE sensor_id = ? AND day = ? AND ts >= ? AND ts < ?`;
const SELECT_METER = `SELECT ts, customer_id, energy_kwh, power_kw, voltage, WRITETIME(energy_kwh) AS w FROM meter_readings_by_month
  WHERE meter_id = ? AND month = ? AND ts >= ? AND ts < ?`;

const DAY_MS = 86_400_000;
const FETCH_SIZE = 5000;
const READ = { prepare: true, fetchSize: FETCH_SIZE, isIdempotent: true } as const;
/** Upserts with their own write stamps: repeating one is harmless, so the driver may retry it. */
const WRITE = { prepare: true, isIdempotent: true } as const;

/** `YYYY-MM-DD` of the UTC day an instant falls in (Cassandra `date`). */
export function dayBucket(t: Date): string {
  return t.toISOString().slice(0, 10);
}

/** `yyyymm` of the UTC month an instant falls in. */
export function monthBucket(t: Date): number {
  return t.getUTCFullYear() * 100 + t.getUTCMonth() + 1;
}

/** Day buckets overlapping [from, to), newest first. */
export function daysDesc(from: Date, to: Date): string[] {
  const out: string[] = [];
  const last = Math.floor((to.getTime() - 1) / DAY_MS) * DAY_MS;
  for (let d = last; d >= Math.floor(from.getTime() / DAY_MS) * DAY_MS; d -= DAY_MS) out.push(dayBucket(new Date(d)));
  return out;
}

/** Month buckets overlapping [from, to), newest first. */
export function monthsDesc(from: Date, to: Date): number[] {
  const out: number[] = [];
  const end = new Date(to.getTime() - 1);
  let y = end.getUTCFullYear();
  let m = end.getUTCMonth();
  const stop = from.getUTCFullYear() * 12 + from.getUTCMonth();
  while (y * 12 + m >= stop) {
    out.push(y * 100 + m + 1);
    if (--m < 0) {
      m = 11;
      y--;
    }
  }
  return out;
}

/**
 * Optional fields are never left unset: an unset column would keep the cell of an earlier
 * write of the same key (PostgreSQL writes NULL there), and the two stores would disagree. An
 * absent value is written as a marker no valid reading can carry — '' for the unit (units are
 * never empty), NaN for a number (readings are finite) — which overwrites the old cell under
 * the row's write stamp without the per-row tombstone a CQL null would leave (86,400 of those
 * in one sensor-day partition would approach Cassandra's tombstone failure threshold on read).
 * Reads turn markers (and nulls from older rows) back into absent fields.
 */
const NO_UNIT = '';
const NO_NUMBER = Number.NaN;
const textOrAbsent = (v: string | null): string | undefined => (v === null || v === NO_UNIT ? undefined : v);
const numberOrAbsent = (v: number | null): number | undefined => (v === null || Number.isNaN(v) ? undefined : v);

/**
 * TimeSeriesStore over Cassandra. Writes are prepared statements run with bounded
 * concurrency (executeConcurrent); each row carries `USING TIMESTAMP` = its write stamp, so a
 * replayed or repaired row never overwrites a newer one. Reads walk the day (or month)
 * buckets of the range newest first and stop at the limit. Nothing runs before the
 * connection is ready (StoreNotReadyError); data Cassandra refuses comes out as
 * StoreRefusedError.
 */
@Injectable()
export class CassandraTimeSeriesStore implements TimeSeriesStore {
  readonly name = 'cassandra' as const;
  private readonly concurrency: number;
  private readonly batchRows: number;
  /** (bucket, id) pairs already recorded in the bucket index tables by this process. */
  private readonly indexed = new Set<string>();
  private readonly retention: RetentionPolicy;

  constructor(
    @Inject(CASSANDRA_CLIENT) private readonly client: Client,
    private readonly connection: CassandraConnection,
    @Optional() @Inject(CASSANDRA_TIMESERIES_OPTIONS) options?: CassandraTimeseriesOptions,
    @Optional() @Inject(retentionConfig.KEY) retention?: ConfigType<typeof retentionConfig>,
  ) {
    this.concurrency = options?.writeConcurrency ?? DEFAULT_WRITE_CONCURRENCY;
    this.batchRows = Math.max(1, options?.partitionBatchRows ?? DEFAULT_PARTITION_BATCH_ROWS);
    this.retention = options?.retention ?? (retention ? { sensorDays: retention.sensorDays, meterDays: retention.meterDays, aggregatesDays: retention.aggregatesDays } : KEEP_FOREVER);
  }

  /**
   * TTL of a row (seconds; 0 = none). A row already past retention gets 1 second: the
   * hybrid layer does not send such rows, and one that slips through must not live on.
   */
  private ttlOf(kind: SeriesKind, timestampMs: number, nowMs: number): number {
    const left = remainingLifeSeconds(this.retention, kind, timestampMs, nowMs);
    return left < 0 ? 1 : left;
  }

  async ping(): Promise<void> {
    assertCassandraReady(this.connection);
    await this.client.execute('SELECT release_version FROM system.local', [], { isIdempotent: true });
  }

  async upsertSensorReadings(rows: readonly Stamped<SensorReading>[]): Promise<void> {
    if (rows.length === 0) return;
    assertCassandraReady(this.connection);
    const now = Date.now();
    const queries = rows.map((r) => {
      const day = dayBucket(r.timestamp);
      return {
        partition: `${r.sensorId}|${day}`,
        query: INSERT_SENSOR,
        params: [r.sensorId, day, r.timestamp, r.sensorType, r.value, r.unit ?? NO_UNIT, r.writtenAtUs, this.ttlOf('sensor', r.timestamp.getTime(), now)],
      };
    });
    const index = this.newIndexPairs(rows.map((r) => [dayBucket(r.timestamp), r.sensorId] as const), 'd');
    for (const [day, id] of index) {
      // The index entry lives as long as the day's last possible reading.
      const ttl = this.ttlOf('sensor', Date.parse(`${day}T00:00:00Z`) + DAY - 1, now);
      queries.push({ partition: `sensors_by_day|${day}|${id}`, query: INSERT_SENSOR_DAY, params: [day, id, ttl] });
    }
    await this.run(queries);
    this.remember(index, 'd');
  }

  async upsertMeterReadings(rows: readonly Stamped<MeterReading>[]): Promise<void> {
    if (rows.length === 0) return;
    assertCassandraReady(this.connection);
    const now = Date.now();
    const queries = rows.map((r) => {
      const month = monthBucket(r.timestamp);
      return {
        partition: `${r.meterId}|${month}`,
        query: INSERT_METER,
        params: [
          r.meterId,
          month,
          r.timestamp,
          r.customerId,
          r.energyKwh,
          r.powerKw ?? NO_NUMBER,
          r.voltage ?? NO_NUMBER,
          r.writtenAtUs,
          this.ttlOf('meter', r.timestamp.getTime(), now),
        ],
      };
    });
    const index = this.newIndexPairs(rows.map((r) => [monthBucket(r.timestamp), r.meterId] as const), 'm');
    for (const [month, id] of index) {
      const monthEnd = Date.UTC(Math.floor(month / 100), month % 100, 1) - 1;
      queries.push({ partition: `meters_by_month|${month}|${id}`, query: INSERT_METER_MONTH, params: [month, id, this.ttlOf('meter', monthEnd, now)] });
    }
    await this.run(queries);
    this.remember(index, 'm');
  }

  querySensorReadings(q: SeriesQuery): Promise<Stamped<SensorReading>[]> {
    return this.queryBuckets(SELECT_SENSOR, q, daysDesc(q.from, q.to), (row) => {
      const r: Stamped<SensorReading> = {
        sensorId: q.id,
        sensorType: row.get('sensor_type') as string,
        value: row.get('value') as number,
        timestamp: row.get('ts') as Date,
        writtenAtUs: (row.get('w') as types.Long).toNumber(),
      };
      const unit = textOrAbsent(row.get('unit') as string | null);
      if (unit !== undefined) r.unit = unit;
      return r;
    });
  }

  queryMeterReadings(q: SeriesQuery): Promise<Stamped<MeterReading>[]> {
    return this.queryBuckets(SELECT_METER, q, monthsDesc(q.from, q.to), (row) => {
      const r: Stamped<MeterReading> = {
        meterId: q.id,
        customerId: row.get('customer_id') as string,
        timestamp: row.get('ts') as Date,
        energyKwh: row.get('energy_kwh') as number,
        writtenAtUs: (row.get('w') as types.Long).toNumber(),
      };
      const power = numberOrAbsent(row.get('power_kw') as number | null);
      const voltage = numberOrAbsent(row.get('voltage') as number | null);
      if (power !== undefined) r.powerKw = power;
      if (voltage !== undefined) r.voltage = voltage;
      return r;
    });
  }

  listSensorIds(from: Date, to: Date): Promise<string[]> {
    return this.idsInBuckets('SELECT sensor_id FROM sensors_by_day WHERE day = ?', 'sensor_id', daysDesc(from, to));
  }

  listMeterIds(from: Date, to: Date): Promise<string[]> {
    return this.idsInBuckets('SELECT meter_id FROM meters_by_month WHERE month = ?', 'meter_id', monthsDesc(from, to));
  }

  /**
   * One series' readings in [from, to), newest bucket first, each bucket's partition read in
   * clustering order; stops once `limit` rows are in hand (the last bucket asked for only what
   * is still missing).
   */
  private async queryBuckets<T>(cql: string, q: SeriesQuery, buckets: readonly (string | number)[], toReading: (row: types.Row) => T): Promise<T[]> {
    assertCassandraReady(this.connection);
    const out: T[] = [];
    for (const bucket of buckets) {
      const remaining = q.limit === undefined ? undefined : q.limit - out.length;
      if (remaining === 0) break;
      const rs = await this.client.execute(
        remaining === undefined ? cql : `${cql} LIMIT ?`,
        remaining === undefined ? [q.id, bucket, q.from, q.to] : [q.id, bucket, q.from, q.to, remaining],
        READ,
      );
      for await (const row of rs) out.push(toReading(row));
    }
    return out;
  }

  /** The ids the per-bucket index tables list for these buckets, sorted. */
  private async idsInBuckets(cql: string, column: string, buckets: readonly (string | number)[]): Promise<string[]> {
    assertCassandraReady(this.connection);
    const ids = new Set<string>();
    for (const bucket of buckets) {
      const rs = await this.client.execute(cql, [bucket], READ);
      for await (const row of rs) ids.add(row.get(column) as string);
    }
    return [...ids].sort();
  }

  /**
   * Applies a range deletion: records it in `deleted_ranges`, then writes one range tombstone
   * per day (sensor) or month (meter) bucket the range overlaps, at the deletion's stamp, so
   * every cell written at or before it is shadowed, now and whenever an older copy arrives
   * later (within gc_grace_seconds; `deleted_ranges` keeps the deletion known past that).
   * Cassandra cannot count what it removed (`rows: null`). Idempotent.
   */
  async deleteRange(d: RangeDeletion): Promise<{ rows: number | null }> {
    assertCassandraReady(this.connection);
    await this.client.execute(INSERT_DELETION, [d.kind, d.id, d.deletedAtUs, d.from, d.to], WRITE);
    const buckets: (string | number)[] = d.kind === 'sensor' ? daysDesc(d.from, d.to) : monthsDesc(d.from, d.to);
    const query = d.kind === 'sensor' ? DELETE_SENSOR_RANGE : DELETE_METER_RANGE;
    await cassandraRefusalsClassified(() =>
      concurrent.executeConcurrent(
        this.client,
        buckets.map((b) => ({ query, params: [d.deletedAtUs, d.id, b, d.from, d.to] })),
        { concurrencyLevel: this.concurrency, raiseOnFirstError: true, collectResults: false },
      ),
    );
    return { rows: null };
  }

  async listDeletions(kind: SeriesKind, id: string, from: Date, to: Date): Promise<RangeDeletion[]> {
    assertCassandraReady(this.connection);
    const rs = await this.client.execute(SELECT_DELETIONS, [kind, id], READ);
    const out: RangeDeletion[] = [];
    for await (const row of rs) {
      const f = row.get('from_ts') as Date;
      const t = row.get('to_ts') as Date;
      if (f < to && t > from) out.push({ kind, id, from: f, to: t, deletedAtUs: (row.get('deleted_at_us') as types.Long).toNumber() });
    }
    return out;
  }

  /** Cassandra expires rows by their TTL; nothing to drop on a schedule. */
  async dropExpired(): Promise<string[]> {
    return [];
  }

  /**
   * Runs the statements: those of one partition together as UNLOGGED batches of up to
   * `batchRows`, a lone statement on its own, `concurrency` requests in flight. The call fails
   * as a whole on the first error (it will be retried or backlogged whole; rows already
   * written are simply written again).
   */
  private async run(queries: { partition: string; query: string; params: unknown[] }[]): Promise<void> {
    if (this.batchRows <= 1) {
      await cassandraRefusalsClassified(() =>
        concurrent.executeConcurrent(this.client, queries, { concurrencyLevel: this.concurrency, raiseOnFirstError: true, collectResults: false }),
      );
      return;
    }
    const byPartition = new Map<string, { query: string; params: unknown[] }[]>();
    for (const q of queries) {
      let list = byPartition.get(q.partition);
      if (!list) byPartition.set(q.partition, (list = []));
      list.push({ query: q.query, params: q.params });
    }
    const requests: { query: string; params: unknown[] }[][] = [];
    for (const list of byPartition.values()) {
      for (let i = 0; i < list.length; i += this.batchRows) requests.push(list.slice(i, i + this.batchRows));
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const group = requests[next++]!;
        if (group.length === 1) await this.client.execute(group[0]!.query, group[0]!.params, WRITE);
        else await this.client.batch(group, { ...WRITE, logged: false });
      }
    };
    await cassandraRefusalsClassified(() => Promise.all(Array.from({ length: Math.min(this.concurrency, requests.length) }, worker)));
  }

  private newIndexPairs<B extends string | number>(pairs: (readonly [B, string])[], tag: string): [B, string][] {
    const out = new Map<string, [B, string]>();
    for (const [bucket, id] of pairs) {
      const key = `${tag}|${bucket}|${id}`;
      if (!this.indexed.has(key)) out.set(key, [bucket, id]);
    }
    return [...out.values()];
  }

  private remember<B extends string | number>(pairs: [B, string][], tag: string): void {
    if (this.indexed.size > 200_000) this.indexed.clear();
    for (const [bucket, id] of pairs) this.indexed.add(`${tag}|${bucket}|${id}`);
  }
}
