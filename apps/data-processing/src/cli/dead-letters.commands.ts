import { HybridStorageService, MeterReading, SensorReading } from '@smartgrid/hybrid-storage';
import { DLQ_HEADERS, DLQ_SUFFIX, readTopicOnce, TOPICS } from '@smartgrid/kafka';
import type { ReadTopicReport, TopicRecord } from '@smartgrid/kafka';
import type { Admin, Kafka } from 'kafkajs';
import { randomUUID } from 'crypto';
import { readIngestSettings } from '../ingest/ingest.settings';
import { decodeMeterMessage, decodeSensorMessage, Decoded, describeRejection } from '../ingest/reading.decoder';

/** The dead-letter topics of the consumed topics (logical names). */
export const DLQ_TOPICS = [`${TOPICS.sensorData}${DLQ_SUFFIX}`, `${TOPICS.meterReadings}${DLQ_SUFFIX}`] as const;
export type DlqTopic = (typeof DLQ_TOPICS)[number];

/** `code` of a reason header `code: field: detail` (the whole header when it has no colon). */
export function reasonCode(reason: string): string {
  const i = reason.indexOf(':');
  return (i < 0 ? reason : reason.slice(0, i)).trim() || '(none)';
}

/** A `--reason` filter matches the code, or a prefix of the whole reason (`bad_format: timestamp`). */
export function reasonMatches(reason: string, filter: string | undefined): boolean {
  return filter === undefined || reasonCode(reason) === filter || reason.startsWith(filter);
}

export interface DeadLetterSample {
  partition: number;
  offset: string;
  key: string | null;
  reason: string;
  failedAt: string | null;
  source: string | null;
  /** The first 200 characters of the value, as UTF-8. */
  value: string | null;
}

export interface DlqTopicSummary {
  topic: DlqTopic;
  /** Dead letters (committed records; markers and aborted records excluded). */
  count: number;
  /** Offset span read: what `/api/storage/status` reports (an upper bound of `count`). */
  offsetSpan: number;
  byReason: { code: string; count: number; oldest: string | null; newest: string | null; samples: DeadLetterSample[] }[];
}

export interface DlqFilter {
  topics: readonly DlqTopic[];
  reason?: string;
  since?: Date;
  samples: number;
}

const sampleOf = (r: TopicRecord): DeadLetterSample => ({
  partition: r.partition,
  offset: r.offset,
  key: r.key ? r.key.toString('utf8').slice(0, 128) : null,
  reason: r.headers[DLQ_HEADERS.reason] ?? '',
  failedAt: r.headers[DLQ_HEADERS.failedAt] ?? null,
  source: r.headers[DLQ_HEADERS.sourceTopic] ? `${r.headers[DLQ_HEADERS.sourceTopic]}[${r.headers[DLQ_HEADERS.sourcePartition] ?? '?'}]@${r.headers[DLQ_HEADERS.sourceOffset] ?? '?'}` : null,
  value: r.value ? r.value.toString('utf8').slice(0, 200) : null,
});

function failedAtMs(r: TopicRecord): number {
  const h = r.headers[DLQ_HEADERS.failedAt];
  const t = h ? Date.parse(h) : Number.NaN;
  return Number.isNaN(t) ? r.timestamp : t;
}

function selected(r: TopicRecord, f: Pick<DlqFilter, 'reason' | 'since'>): boolean {
  return reasonMatches(r.headers[DLQ_HEADERS.reason] ?? '', f.reason) && (f.since === undefined || failedAtMs(r) >= f.since.getTime());
}

const groupFor = (prefix: string): string => `${prefix}smartgrid-dlq-tool-${randomUUID()}`;

/** Exact dead-letter counts by reason code, with samples, read once with a read_committed consumer. */
export async function listDeadLetters(kafka: Kafka, admin: Admin, prefix: string, f: DlqFilter, progress: (line: string) => void): Promise<DlqTopicSummary[]> {
  const out: DlqTopicSummary[] = [];
  for (const topic of f.topics) {
    const byReason = new Map<string, DlqTopicSummary['byReason'][number]>();
    let count = 0;
    const report = await readTopicOnce(kafka, admin, `${prefix}${topic}`, {
      groupId: groupFor(prefix),
      ...(f.since ? { fromTimestampMs: f.since.getTime() } : {}),
      onRecords: async (records) => {
        for (const r of records) {
          if (!selected(r, f)) continue;
          count++;
          const reason = r.headers[DLQ_HEADERS.reason] ?? '';
          const code = reasonCode(reason);
          let g = byReason.get(code);
          if (!g) byReason.set(code, (g = { code, count: 0, oldest: null, newest: null, samples: [] }));
          g.count++;
          const at = new Date(failedAtMs(r)).toISOString();
          if (g.oldest === null || at < g.oldest) g.oldest = at;
          if (g.newest === null || at > g.newest) g.newest = at;
          if (g.samples.length < f.samples) g.samples.push(sampleOf(r));
        }
      },
      onProgress: (read, span) => progress(`[dlq list ${topic}] read ${read} of at most ${span}`),
    });
    warnIdle(report, progress);
    out.push({ topic, count, offsetSpan: report.span, byReason: [...byReason.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)) });
  }
  return out;
}

export interface RedriveSummary {
  topic: DlqTopic;
  /** Dead letters read from the topic (before filters). */
  read: number;
  /** Matching --reason / --since. */
  selected: number;
  /** Valid now and written to the stores (idempotent: a reading already stored stays one row). */
  stored: number;
  /** Valid but already past retention: accepted, not stored. */
  expired: number;
  /** Still invalid: they stay in the dead-letter topic; counted here by their new reason. */
  stillDead: number;
  stillDeadByReason: { code: string; count: number; samples: (DeadLetterSample & { newReason: string })[] }[];
  /** Written in batches of this many readings. */
  batches: number;
  durationMs: number;
}

/**
 * Feeds dead letters back through today's validation: those that pass (the cause was fixed,
 * e.g. the decoder now keeps unknown fields) are written through HybridStorageService in
 * batches, exactly as ingest would have written them; those still invalid stay dead, each
 * with the reason it fails for now (reported, and kept in the audit event). The topic itself
 * is not changed: running a redrive again is harmless (writes are idempotent).
 */
export async function redriveDeadLetters(
  kafka: Kafka,
  admin: Admin,
  prefix: string,
  storage: HybridStorageService,
  topic: DlqTopic,
  f: Pick<DlqFilter, 'reason' | 'since'> & { batchSize?: number; dryRun?: boolean },
  progress: (line: string) => void,
): Promise<RedriveSummary> {
  const started = Date.now();
  const sensor = topic.startsWith(TOPICS.sensorData);
  const settings = readIngestSettings(process.env);
  const batchSize = f.batchSize ?? 500;
  const s: RedriveSummary = { topic, read: 0, selected: 0, stored: 0, expired: 0, stillDead: 0, stillDeadByReason: [], batches: 0, durationMs: 0 };
  const dead = new Map<string, RedriveSummary['stillDeadByReason'][number]>();
  let pending: (SensorReading | MeterReading)[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    if (f.dryRun) {
      s.stored += batch.length;
      return;
    }
    const r = sensor ? await storage.storeSensorDataBatch(batch as SensorReading[]) : await storage.storeMeterReadingBatch(batch as MeterReading[]);
    s.batches++;
    s.stored += batch.length - r.expired - r.refused.length;
    s.expired += r.expired;
    for (const x of r.refused) note('store_refused', `store_refused: ${Object.entries(x.reasons).map(([k, v]) => `${k}: ${v}`).join('; ')}`, null);
  };
  const note = (code: string, newReason: string, rec: TopicRecord | null): void => {
    s.stillDead++;
    let g = dead.get(code);
    if (!g) dead.set(code, (g = { code, count: 0, samples: [] }));
    g.count++;
    if (rec && g.samples.length < 5) g.samples.push({ ...sampleOf(rec), newReason });
  };
  const report = await readTopicOnce(kafka, admin, `${prefix}${topic}`, {
    groupId: groupFor(prefix),
    ...(f.since ? { fromTimestampMs: f.since.getTime() } : {}),
    onRecords: async (records) => {
      const now = Date.now();
      const opts = { maxBytes: settings.maxMessageBytes, now: () => now };
      for (const r of records) {
        s.read++;
        if (!selected(r, f)) continue;
        s.selected++;
        const d = (sensor ? decodeSensorMessage(r.key, r.value, opts) : decodeMeterMessage(r.key, r.value, opts)) as Decoded<SensorReading | MeterReading>;
        if (d.ok) pending.push(d.reading);
        else note(d.rejection.code, describeRejection(d.rejection), r);
        if (pending.length >= batchSize) await flush();
      }
      await flush();
    },
    onProgress: (read, span) => progress(`[dlq redrive ${topic}] read ${read} of at most ${span}: ${s.stored} stored, ${s.stillDead} still dead`),
  });
  await flush();
  warnIdle(report, progress);
  s.stillDeadByReason = [...dead.values()].sort((a, b) => b.count - a.count);
  s.durationMs = Date.now() - started;
  return s;
}

function warnIdle(report: ReadTopicReport, progress: (line: string) => void): void {
  if (report.idlePartitions.length > 0) {
    progress(`[dlq] partitions ${report.idlePartitions.join(', ')} of ${report.topic} yielded nothing more before their end offset (transaction markers); read ${report.records}`);
  }
}

export function parseDlqTopic(v: string): DlqTopic {
  const t = v.endsWith(DLQ_SUFFIX) ? v : `${v}${DLQ_SUFFIX}`;
  if (!(DLQ_TOPICS as readonly string[]).includes(t)) throw new Error(`unknown dead-letter topic "${v}" (${DLQ_TOPICS.join(', ')})`);
  return t as DlqTopic;
}

