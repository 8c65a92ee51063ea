import { Inject, Injectable } from '@nestjs/common';
import { HybridStorageService, QuarantineService, StoreOutcome, WriteResult } from '@smartgrid/hybrid-storage';
import { METRICS_REGISTRY } from '@smartgrid/observability';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Distinct unknown-field names given their own label value (device input must not explode the series count). */
export const MAX_UNKNOWN_FIELD_LABELS = 100;

/**
 * The data-processing app's own metrics, on the app's registry (GET /metrics). Topic labels
 * carry the logical topic name (`sensor-data`), not the prefixed one, so dashboards survive
 * KAFKA_TOPIC_PREFIX.
 */
@Injectable()
export class IngestMetrics {
  readonly ingested: Counter<'topic'>;
  readonly rejected: Counter<'topic' | 'reason'>;
  readonly batchSize: Histogram<'topic'>;
  readonly batchDuration: Histogram<'topic'>;
  readonly storeWriteSeconds: Histogram<'store' | 'kind'>;
  readonly storeWriteErrors: Counter<'store' | 'kind'>;
  readonly writeRetries: Counter<'topic'>;
  readonly consumerLag: Gauge<'topic' | 'partition'>;
  readonly backlogRows: Gauge<'target'>;
  readonly quarantineEntries: Gauge<'target'>;
  readonly quarantineRows: Gauge<'target'>;
  readonly quarantineOldestSeconds: Gauge;
  readonly quarantined: Counter<'store' | 'kind'>;
  readonly unknownFields: Counter<'topic' | 'field' | 'outcome'>;
  readonly pastRetention: Counter<'kind'>;
  /** Field names already used as label values (bounded: names come from devices). */
  private readonly unknownFieldNames = new Set<string>();

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    storage: HybridStorageService,
    quarantine: QuarantineService,
  ) {
    const registers = [registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) => new Counter<L>({ name, help, labelNames, registers });
    const histogram = <L extends string>(name: string, help: string, labelNames: L[], buckets: number[]) =>
      new Histogram<L>({ name, help, labelNames, buckets, registers });
    this.ingested = counter('smartgrid_ingest_messages_ingested_total', 'Kafka messages stored (durable in at least one store, offset then committed)', ['topic']);
    this.rejected = counter('smartgrid_ingest_messages_rejected_total', 'Kafka messages refused and sent to the dead-letter topic, by reason code', ['topic', 'reason']);
    this.batchSize = histogram('smartgrid_ingest_batch_size', 'Messages per consumed Kafka batch (one partition)', ['topic'], [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000]);
    this.batchDuration = histogram('smartgrid_ingest_batch_duration_seconds', 'Time from receiving a batch to committing its offset', ['topic'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
    this.storeWriteSeconds = histogram('smartgrid_store_write_duration_seconds', 'Latency of one batch write into one store', ['store', 'kind'], [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15]);
    this.storeWriteErrors = counter('smartgrid_store_write_errors_total', 'Batch writes a store failed (the rows went to the other store and the backlog)', ['store', 'kind']);
    this.writeRetries = counter('smartgrid_ingest_write_retries_total', 'Batch write attempts that found no store able to take the rows (the consumer paused and retried)', ['topic']);
    this.consumerLag = new Gauge({
      name: 'smartgrid_ingest_consumer_lag',
      help: 'Messages between the last processed offset and the high watermark, per partition',
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.backlogRows = new Gauge({
      name: 'smartgrid_storage_backlog_rows',
      help: 'Rows waiting in the replication backlog, per store that missed them',
      labelNames: ['target'],
      registers,
      // Read at scrape time; an unreachable backlog leaves the last value.
      async collect() {
        const status = await storage.getBacklogStatus().catch(() => null);
        if (!status) return;
        for (const [target, t] of Object.entries(status.targets)) this.set({ target }, t.rows);
      },
    });
    // One status read per scrape serves the three quarantine gauges.
    let pending: ReturnType<QuarantineService['status']> | null = null;
    const quarantineStatus = () => {
      pending ??= quarantine.status().finally(() => setTimeout(() => (pending = null), 1000).unref());
      return pending.catch(() => null);
    };
    const quarantineGauge = (name: string, help: string, value: (t: { entries: number; rows: number }) => number) =>
      new Gauge<'target'>({
        name,
        help,
        labelNames: ['target'],
        registers,
        async collect() {
          const status = await quarantineStatus();
          if (status) for (const [target, t] of Object.entries(status.targets)) this.set({ target }, value(t));
        },
      });
    this.quarantineEntries = quarantineGauge('smartgrid_storage_quarantine_entries', 'Quarantine entries (rows a store refused, set aside), per store that refused them', (t) => t.entries);
    this.quarantineRows = quarantineGauge('smartgrid_storage_quarantine_rows', 'Rows in quarantine, per store that refused them', (t) => t.rows);
    this.quarantineOldestSeconds = new Gauge({
      name: 'smartgrid_storage_quarantine_oldest_seconds',
      help: 'Age of the oldest quarantine entry (0 when there is none)',
      registers,
      async collect() {
        const status = await quarantineStatus();
        if (status) this.set(Math.round((status.oldestAgeMs ?? 0) / 1000));
      },
    });
    this.quarantined = counter('smartgrid_storage_rows_refused_total', 'Rows a store refused on the write path (set aside in quarantine, or dead-lettered when every store refused them)', ['store', 'kind']);
    this.unknownFields = counter(
      'smartgrid_ingest_unknown_fields_total',
      'Top-level message fields the contract does not name (contract drift), per field name: kept in the metadata, or shadowed by a metadata key of the same name',
      ['topic', 'field', 'outcome'],
    );
    this.pastRetention = counter('smartgrid_storage_rows_past_retention_total', 'Rows not written because their timestamp is already past the retention period (expired on arrival)', ['kind']);
  }

  /** Counts unknown fields by name; past MAX_UNKNOWN_FIELD_LABELS distinct names, the rest count as `(other)`. */
  recordUnknownFields(topic: string, fields: readonly { name: string; outcome: string }[]): void {
    for (const f of fields) {
      let name = f.name;
      if (!this.unknownFieldNames.has(name)) {
        if (this.unknownFieldNames.size >= MAX_UNKNOWN_FIELD_LABELS) name = '(other)';
        else this.unknownFieldNames.add(name);
      }
      this.unknownFields.inc({ topic, field: name, outcome: f.outcome });
    }
  }

  recordWrite(kind: 'sensor' | 'meter', result: Pick<WriteResult, 'outcomes'>): void {
    for (const o of Object.values(result.outcomes) as StoreOutcome[]) this.recordOutcome(kind, o);
  }

  recordOutcome(kind: 'sensor' | 'meter', o: StoreOutcome): void {
    this.storeWriteSeconds.observe({ store: o.store, kind }, o.latencyMs / 1000);
    if (!o.ok) this.storeWriteErrors.inc({ store: o.store, kind });
    if (o.refusedRows) this.quarantined.inc({ store: o.store, kind }, o.refusedRows);
  }
}
