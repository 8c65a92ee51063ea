import type { Admin, Kafka } from 'kafkajs';

/** One record as read back, headers decoded as UTF-8 text. */
export interface TopicRecord {
  partition: number;
  offset: string;
  /** Broker timestamp, epoch ms. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface ReadTopicOptions {
  /** Consumer group for this one read; removed afterwards (nothing is committed to it). */
  groupId: string;
  /** Start at the first record at or after this time (broker timestamps), per partition. */
  fromTimestampMs?: number;
  /** Records handed over per call, in offset order within a partition. */
  onRecords(records: TopicRecord[]): Promise<void>;
  /** Called after each batch: records read so far and the offset span being read. */
  onProgress?(read: number, span: number): void;
  /**
   * Give up waiting for partitions that yield nothing for this long. A span can end in
   * transaction markers, which a read_committed consumer never sees as records.
   */
  idleTimeoutMs?: number;
}

export interface ReadTopicReport {
  topic: string;
  partitions: number;
  /** Records read (committed data only). */
  records: number;
  /** Sum of (end - start) offsets over the partitions read: records plus transaction markers and aborted records. */
  span: number;
  /** Partitions whose end was inferred from silence rather than reached. */
  idlePartitions: number[];
}

function headerText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (Array.isArray(v)) return headerText(v[v.length - 1]);
  return String(v);
}

/**
 * Reads a topic once, from its start (or a time) to the end offsets it had when the call began,
 * with a read_committed consumer (kafkajs' default): records of aborted transactions and the
 * transaction markers are skipped, so counts are exact. Records produced meanwhile are not read.
 */
export async function readTopicOnce(kafka: Kafka, admin: Admin, topic: string, o: ReadTopicOptions): Promise<ReadTopicReport> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const start = new Map<number, bigint>(offsets.map((p) => [p.partition, BigInt(p.low)]));
  const end = new Map<number, bigint>(offsets.map((p) => [p.partition, BigInt(p.high)]));
  if (o.fromTimestampMs !== undefined) {
    for (const p of await admin.fetchTopicOffsetsByTimestamp(topic, o.fromTimestampMs)) {
      const at = BigInt(p.offset);
      if (at >= 0n && at > start.get(p.partition)!) start.set(p.partition, at < end.get(p.partition)! ? at : end.get(p.partition)!);
    }
  }
  const pending = new Set([...end.keys()].filter((p) => start.get(p)! < end.get(p)!));
  const span = [...end.keys()].reduce((n, p) => n + Number(end.get(p)! - start.get(p)!), 0);
  const report: ReadTopicReport = { topic, partitions: end.size, records: 0, span, idlePartitions: [] };
  if (pending.size === 0) return report;

  const consumer = kafka.consumer({ groupId: o.groupId, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
  let lastActivity = Date.now();
  let sawBatch = false;
  let failure: unknown;
  try {
    // Batches that hold only transaction markers (or aborted records) never reach eachBatch;
    // their end is seen here.
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      const p = e.payload.partition;
      if (pending.has(p) && BigInt(e.payload.lastOffset) >= end.get(p)! - 1n) {
        pending.delete(p);
        lastActivity = Date.now();
      }
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch, heartbeat }) => {
        const p = batch.partition;
        const hi = end.get(p)!;
        const lo = start.get(p)!;
        try {
          const records: TopicRecord[] = [];
          for (const m of batch.messages) {
            const off = BigInt(m.offset);
            if (off < lo || off >= hi) continue;
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(m.headers ?? {})) {
              const t = headerText(v);
              if (t !== undefined) headers[k] = t;
            }
            records.push({ partition: p, offset: m.offset, timestamp: Number(m.timestamp), key: m.key ?? null, value: m.value ?? null, headers });
          }
          if (records.length > 0) await o.onRecords(records);
          report.records += records.length;
          await heartbeat();
          if (BigInt(batch.lastOffset()) >= hi - 1n) {
            pending.delete(p);
            consumer.pause([{ topic, partitions: [p] }]);
          }
          lastActivity = Date.now();
          sawBatch = true;
          o.onProgress?.(report.records, span);
        } catch (err) {
          failure ??= err;
          pending.clear();
        }
      },
    });
    for (const [p, lo] of start) if (pending.has(p) && lo > BigInt(offsets.find((x) => x.partition === p)!.low)) consumer.seek({ topic, partition: p, offset: lo.toString() });
    while (pending.size > 0) {
      await new Promise((r) => setTimeout(r, 100));
      // Joining the group takes a few seconds before the first batch; silence counts after it.
      const idleMs = sawBatch ? (o.idleTimeoutMs ?? 15_000) : Math.max(60_000, o.idleTimeoutMs ?? 0);
      if (Date.now() - lastActivity > idleMs) {
        report.idlePartitions = [...pending].sort((a, b) => a - b);
        break;
      }
    }
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([o.groupId]).catch(() => undefined);
  }
  if (failure) throw failure;
  return report;
}
