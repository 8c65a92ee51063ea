import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { kafkaConfig } from '@smartgrid/config';
import { messageOf } from '@smartgrid/hybrid-storage';
import { KAFKA_CLIENT, prefixedTopic, TOPICS } from '@smartgrid/kafka';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { IngestMetrics } from '../metrics/ingest.metrics';
import { IngestBatchProcessor, IngestKind } from './ingest-batch.processor';
import { INGEST_SETTINGS, IngestSettings, TEST_ONLY_SIGKILL_ENV } from './ingest.settings';

/**
 * The Kafka consumer of `sensor-data` and `meter-readings`: one consumer group, whole batches.
 *
 * Why a lifecycle-managed kafkajs consumer and not an @EventPattern handler on the Nest Kafka
 * transport: ServerKafka drives kafkajs with `eachMessage`, one handler call (and one store
 * round trip) per message, which caps ingest far below the target and cannot give one
 * multi-row write per batch. `eachBatch` hands over up to a fetch's worth of one partition;
 * this class writes it with one HybridStorageService call, dead-letters the invalid messages,
 * and only then resolves and commits `lastOffset + 1` for that partition (autoCommit off).
 * If it never gets there (no store can take the rows, shutdown, rebalance) nothing is
 * resolved or committed and the batch is fetched again: redelivery is safe because every
 * write is idempotent on (id, timestamp). Owning the consumer also lets the topic names carry
 * KAFKA_TOPIC_PREFIX at run time.
 */
@Injectable()
export class IngestConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('IngestConsumer');
  private consumer: Consumer | undefined;
  private readonly topics: Record<IngestKind, string>;
  private readonly kindOf = new Map<string, { kind: IngestKind; label: string }>();
  private assigned = false;
  private readonly assignedWaiters: (() => void)[] = [];
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(kafkaConfig.KEY) private readonly kafkaCfg: ConfigType<typeof kafkaConfig>,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    private readonly processor: IngestBatchProcessor,
    private readonly metrics: IngestMetrics,
  ) {
    this.topics = {
      sensor: prefixedTopic(kafkaCfg.topicPrefix, TOPICS.sensorData),
      meter: prefixedTopic(kafkaCfg.topicPrefix, TOPICS.meterReadings),
    };
    this.kindOf.set(this.topics.sensor, { kind: 'sensor', label: TOPICS.sensorData });
    this.kindOf.set(this.topics.meter, { kind: 'meter', label: TOPICS.meterReadings });
    if (settings.testOnlySigkillBeforeCommit) {
      this.logger.warn(`${TEST_ONLY_SIGKILL_ENV} is set: this process will SIGKILL itself before its first commit`);
    }
  }

  get groupId(): string {
    return this.settings.groupId ?? `${this.kafkaCfg.topicPrefix}smartgrid-data-processing-ingest`;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.enabled) {
      this.logger.log('Kafka ingest disabled (INGEST_ENABLED=false)');
      return;
    }
    await this.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    // Stops fetching and waits for the batches in flight; those not yet durable give up
    // without committing (shouldContinue() turns false) and are redelivered later.
    await this.consumer?.disconnect().catch((err: unknown) => this.logger.warn(`disconnect failed: ${messageOf(err)}`));
    this.consumer = undefined;
  }

  /** Resolves once the group has given this consumer its partitions (tests wait on it). */
  whenAssigned(timeoutMs = 60_000): Promise<void> {
    if (this.assigned) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumer not assigned within ${timeoutMs} ms`)), timeoutMs);
      this.assignedWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: this.settings.maxBytesPerPartition,
      maxBytes: this.settings.maxBytesPerPartition * 8,
      maxWaitTimeInMs: this.settings.maxWaitTimeMs,
      retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 10 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      this.assigned = true;
      this.logger.log(`joined ${this.groupId}: ${JSON.stringify(e.payload.memberAssignment)}`);
      for (const w of this.assignedWaiters.splice(0)) w();
    });
    consumer.on(consumer.events.CRASH, (e) => {
      // kafkajs restarts by itself after retriable errors; anything else would leave ingest
      // stopped, so start a fresh consumer after a pause.
      this.logger.error(`consumer crashed: ${messageOf(e.payload.error)} (restart: ${String(e.payload.restart)})`);
      if (!e.payload.restart && !this.stopping) this.scheduleRestart();
    });
    await consumer.connect();
    // A new group starts at the earliest offset: nothing produced before the first start is lost.
    await consumer.subscribe({ topics: [this.topics.sensor, this.topics.meter], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitionsConcurrently,
      eachBatch: (payload) => this.onBatch(consumer, payload),
    });
    this.logger.log(`consuming ${this.topics.sensor}, ${this.topics.meter} as ${this.groupId}`);
  }

  private scheduleRestart(): void {
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      const old = this.consumer;
      this.consumer = undefined;
      void (async () => {
        await old?.disconnect().catch(() => undefined);
        if (this.stopping) return;
        await this.start().catch((err: unknown) => {
          this.logger.error(`consumer restart failed: ${messageOf(err)}`);
          if (!this.stopping) this.scheduleRestart();
        });
      })();
    }, 5_000);
    this.restartTimer.unref();
  }

  private async onBatch(consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const meta = this.kindOf.get(batch.topic);
    if (!meta) return;
    const started = performance.now();
    const last = batch.messages.length > 0 ? batch.messages[batch.messages.length - 1].offset : undefined;
    if (last !== undefined) {
      let outcome;
      try {
        outcome = await this.processor.process(
          meta.kind,
          { topic: batch.topic, label: meta.label, partition: batch.partition },
          batch.messages,
          { heartbeat, shouldContinue: () => isRunning() && !isStale() && !this.stopping },
        );
      } catch (err) {
        // A bug, not bad input (the decoder never throws): leave the batch uncommitted so it
        // is fetched again, rather than skip it.
        this.logger.error(`${batch.topic}[${batch.partition}] batch at ${batch.firstOffset()} failed: ${messageOf(err)}`);
        await new Promise((r) => setTimeout(r, 1000));
        return;
      }
      if (!outcome.completed) return;
      if (this.settings.testOnlySigkillBeforeCommit) {
        this.logger.warn(`${TEST_ONLY_SIGKILL_ENV}: batch durable, killing myself before the commit`);
        process.kill(process.pid, 'SIGKILL');
        await new Promise(() => undefined);
      }
      // Resolving the last message also covers a trailing transaction control record.
      resolveOffset(last);
    } else {
      resolveOffset(batch.lastOffset());
    }
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    try {
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
    } catch (err) {
      // The rows are durable; an uncommitted offset only means a harmless redelivery.
      this.logger.warn(`${batch.topic}[${batch.partition}] commit of ${next} failed: ${messageOf(err)}`);
    }
    this.metrics.consumerLag.set({ topic: meta.label, partition: String(batch.partition) }, Number(batch.offsetLag()));
    this.metrics.batchDuration.observe({ topic: meta.label }, (performance.now() - started) / 1000);
  }
}
