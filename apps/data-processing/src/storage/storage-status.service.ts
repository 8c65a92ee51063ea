import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { kafkaConfig } from '@smartgrid/config';
import { BacklogStatus, HybridStorageService, messageOf, QuarantineService, QuarantineStatus, STORE_NAMES, StoreName, withTimeout } from '@smartgrid/hybrid-storage';
import { dlqTopic, KAFKA_ADMIN, prefixedTopic, TOPICS } from '@smartgrid/kafka';
import type { Admin } from 'kafkajs';
import { ingestGroupId, INGEST_SETTINGS, IngestSettings } from '../ingest/ingest.settings';

const PROBE_TIMEOUT_MS = 3000;

export interface StoreHealth {
  status: 'up' | 'down' | 'not_configured';
  latencyMs?: number;
  error?: string;
}

export interface TopicCounts {
  /**
   * The topic's offset span on the broker (high − low watermark, summed over partitions): its
   * message count for a plain topic. A dead-letter topic is written in transactions (with the
   * offset commit), and each committed batch adds one transaction marker per partition, so
   * its span is an upper bound; `npm run storage:cli -- dlq list` reads the exact count.
   */
  offsets: number | null;
  /** For consumed topics: messages not yet committed by the ingest group. */
  lag?: number | null;
  error?: string;
}

export interface StorageStatus {
  checkedAt: Date;
  stores: Record<StoreName, StoreHealth>;
  defaultWriteTarget: string;
  backlog: BacklogStatus | { error: string };
  /** Rows a store refused, set aside (count, oldest); see GET /api/storage/quarantine. */
  quarantine: QuarantineStatus | { error: string };
  deadLetters: Record<string, TopicCounts>;
  ingest: { groupId: string | null; topics: Record<string, TopicCounts> };
}

@Injectable()
export class StorageStatusService {
  constructor(
    private readonly storage: HybridStorageService,
    private readonly quarantine: QuarantineService,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(kafkaConfig.KEY) private readonly kafkaCfg: ConfigType<typeof kafkaConfig>,
    @Optional() @Inject(INGEST_SETTINGS) private readonly ingestSettings?: IngestSettings,
  ) {}

  async status(): Promise<StorageStatus> {
    const consumed = [TOPICS.sensorData, TOPICS.meterReadings];
    const groupId = this.ingestSettings ? ingestGroupId(this.kafkaCfg.topicPrefix, this.ingestSettings) : null;
    const [stores, backlog, quarantine, dlq, ingest] = await Promise.all([
      this.storeHealth(),
      this.storage.getBacklogStatus().catch((err: unknown) => ({ error: messageOf(err) })),
      this.quarantine.status().catch((err: unknown) => ({ error: messageOf(err) })),
      Promise.all(consumed.map(async (t) => [dlqTopic(t), await this.topicCounts(dlqTopic(t), null)] as const)),
      Promise.all(consumed.map(async (t) => [t, await this.topicCounts(t, groupId)] as const)),
    ]);
    return {
      checkedAt: new Date(),
      stores,
      defaultWriteTarget: this.storage.defaultTarget,
      backlog,
      quarantine,
      deadLetters: Object.fromEntries(dlq),
      ingest: { groupId, topics: Object.fromEntries(ingest) },
    };
  }

  private async storeHealth(): Promise<Record<StoreName, StoreHealth>> {
    const entries = await Promise.all(
      STORE_NAMES.map(async (name): Promise<[StoreName, StoreHealth]> => {
        const store = this.storage.store(name);
        if (!store) return [name, { status: 'not_configured' }];
        const started = performance.now();
        try {
          await withTimeout(store.ping(), PROBE_TIMEOUT_MS, `${name} ping`);
          return [name, { status: 'up', latencyMs: Math.round(performance.now() - started) }];
        } catch (err) {
          return [name, { status: 'down', latencyMs: Math.round(performance.now() - started), error: messageOf(err) }];
        }
      }),
    );
    return Object.fromEntries(entries) as Record<StoreName, StoreHealth>;
  }

  /** Logical topic → counts from the broker (one metadata round trip, plus group offsets). */
  private async topicCounts(logical: string, groupId: string | null): Promise<TopicCounts> {
    const topic = prefixedTopic(this.kafkaCfg.topicPrefix, logical);
    try {
      const offsets = await withTimeout(this.admin.fetchTopicOffsets(topic), PROBE_TIMEOUT_MS, 'kafka offsets');
      const span = offsets.reduce((s, p) => s + (Number(p.high) - Number(p.low)), 0);
      if (!groupId) return { offsets: span };
      const committed = await withTimeout(this.admin.fetchOffsets({ groupId, topics: [topic] }), PROBE_TIMEOUT_MS, 'kafka group offsets');
      const byPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      const lag = offsets.reduce((s, p) => {
        const c = byPartition.get(p.partition) ?? -1;
        const from = c < 0 ? Number(p.low) : c;
        return s + Math.max(0, Number(p.high) - from);
      }, 0);
      return { offsets: span, lag };
    } catch (err) {
      return { offsets: null, ...(groupId ? { lag: null } : {}), error: messageOf(err) };
    }
  }
}
