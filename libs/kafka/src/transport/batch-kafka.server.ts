import { KafkaContext, ServerKafka } from '@nestjs/microservices';
import { randomUUID } from 'crypto';
import { hostname } from 'os';
import type { Consumer as KafkaJsConsumer, EachBatchPayload, KafkaMessage, Message, Producer } from 'kafkajs';
import { finalize, lastValueFrom, Observable } from 'rxjs';
import { KafkaTransportOptions, PrefixedKafkaServer } from './prefixed-kafka.server';

/**
 * One partition's batch as a batch-mode @EventPattern handler receives it. Messages are the
 * raw kafkajs records (key, value and header values stay Buffers; no parser, no deserializer).
 */
export interface KafkaBatch {
  /** Real (prefixed) topic. */
  topic: string;
  /** Topic without KAFKA_TOPIC_PREFIX (what the handler was registered with). */
  logicalTopic: string;
  partition: number;
  messages: KafkaMessage[];
  firstOffset: string | null;
  lastOffset: string;
  highWatermark: string;
  /** Messages after this batch not yet fetched (high watermark − 1 − lastOffset). */
  offsetLag(): string;
  /** Keeps the group membership alive during long work. */
  heartbeat(): Promise<void>;
  /** False once the server stops or the partition was taken away: give up, nothing is committed. */
  shouldContinue(): boolean;
}

/** Records a handler wants produced together with its batch's offset commit. */
export interface SideOutput {
  topic: string;
  messages: Message[];
}

/** What a batch handler resolves with; `lastOffset + 1` is committed only when `completed` is true. */
export interface KafkaBatchResult {
  completed: boolean;
  /**
   * Records to produce atomically with the offset commit (dead letters, say): in one Kafka
   * transaction, so a batch redelivered after a crash never produces them twice, and a batch
   * whose commit did not happen produced none (read_committed consumers see neither).
   */
  produce?: SideOutput[];
  /**
   * Called once the side outputs and the offset are known committed (not when the partition
   * was lost first): lets a handler note that what it produced is out for good. Errors are
   * logged, never retried.
   */
  afterCommit?: () => Promise<void>;
}

export interface BatchModeOptions {
  /** Partitions whose batches are handled at the same time (default 1). */
  partitionsConsumedConcurrently?: number;
  /** Pause before a batch whose handler failed is fetched again (default 1000 ms). */
  failedBatchPauseMs?: number;
  /** Pause before a consumer that kafkajs will not restart is replaced (default 5000 ms). */
  restartDelayMs?: number;
  /**
   * While a handler runs, the group heartbeat is sent this often (default 3000 ms), so a slow
   * or hung store call does not cost the consumer its membership and start a rebalance loop.
   */
  heartbeatIntervalMs?: number;
}

const isCompleted = (v: unknown): v is KafkaBatchResult =>
  typeof v === 'object' && v !== null && (v as KafkaBatchResult).completed === true;
const MAX_TXN_RETRY_MS = 10_000;
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * PrefixedKafkaServer in batch mode: kafkajs `eachBatch` instead of Nest's `eachMessage`, so a
 * handler gets up to a fetch's worth of one partition and can write it in one round trip.
 *
 * It subscribes to every registered pattern (string patterns carry the prefix) and runs the
 * consumer with `autoCommit: false, eachBatchAutoResolve: false`. Each batch goes to the
 * @EventPattern handler of its topic as a {@link KafkaBatch}, with a KafkaContext whose
 * message is the batch's last record. Only when the handler resolves with `{ completed: true }`
 * does the server resolve the batch and commit `lastOffset + 1` for that partition. When it
 * throws or returns anything else nothing is resolved or committed and kafkajs fetches the
 * batch again (handlers must be idempotent). Records the handler returns in `produce` are
 * produced in a Kafka transaction together with the offset commit. Heartbeats keep flowing
 * while a handler runs. A consumer that crashes with an error kafkajs will not restart from
 * is replaced by a fresh one.
 */
export class BatchKafkaServer extends PrefixedKafkaServer {
  private readonly batchOptions: Required<BatchModeOptions>;
  private closing = false;
  private assigned = false;
  private readonly assignedWaiters: (() => void)[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private joins = 0;
  /** Transactional producer for side outputs, created on first use; one transaction at a time. */
  private txnProducer: Promise<Producer> | undefined;
  private txnQueue: Promise<unknown> = Promise.resolve();
  /**
   * Stable for this server's life (a replacement producer must fence the old one), unique per
   * instance (instances must not fence each other).
   */
  private readonly transactionalId: string;

  constructor(options: KafkaTransportOptions, topicPrefix: string, batchOptions: BatchModeOptions = {}) {
    super(options, topicPrefix);
    this.batchOptions = {
      partitionsConsumedConcurrently: batchOptions.partitionsConsumedConcurrently ?? 1,
      failedBatchPauseMs: batchOptions.failedBatchPauseMs ?? 1000,
      restartDelayMs: batchOptions.restartDelayMs ?? 5000,
      heartbeatIntervalMs: batchOptions.heartbeatIntervalMs ?? 3000,
    };
    this.transactionalId = `${this.groupId}-side-outputs-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  }

  /** Times this server's consumer joined its group (1 in a steady run; each rebalance adds one). */
  get groupJoins(): number {
    return this.joins;
  }

  /** The consumer group (exactly the configured id when `postfixId` is ''). */
  get consumerGroupId(): string {
    return this.groupId;
  }

  /** Resolves once the consumer has joined its group and received its partitions. */
  whenAssigned(timeoutMs = 60_000): Promise<void> {
    if (this.assigned) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Kafka consumer not assigned within ${timeoutMs} ms`)), timeoutMs);
      this.assignedWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  override async listen(callback: Parameters<ServerKafka['listen']>[0]): Promise<void> {
    this.closing = false;
    return super.listen(callback);
  }

  override async close(): Promise<void> {
    // Stops fetching and waits for the batches in flight; those not yet done see
    // shouldContinue() turn false, give up and are redelivered later.
    this.closing = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await super.close();
    const producer = this.txnProducer;
    this.txnProducer = undefined;
    if (producer) await producer.then((p) => p.disconnect()).catch(() => undefined);
  }

  protected override registerConsumerEventListeners(): void {
    super.registerConsumerEventListeners();
    const consumer = this.consumer as unknown as KafkaJsConsumer | null;
    if (!consumer) return;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      this.joins++;
      this.assigned = true;
      this.logger.log(`joined ${this.groupId}: ${JSON.stringify(e.payload.memberAssignment)}`);
      for (const w of this.assignedWaiters.splice(0)) w();
    });
    consumer.on(consumer.events.CRASH, (e) => {
      // kafkajs restarts by itself after retriable errors; anything else would leave the
      // consumer stopped, so replace it after a pause.
      this.logger.error(`consumer crashed: ${messageOf(e.payload.error)} (restart: ${String(e.payload.restart)})`);
      if (!e.payload.restart && !this.closing && this.consumer === (consumer as unknown)) this.scheduleRestart();
    });
  }

  override async bindEvents(consumer: Parameters<ServerKafka['bindEvents']>[0]): Promise<void> {
    const kc = consumer as unknown as KafkaJsConsumer;
    const patterns = [...this.messageHandlers.keys()];
    if (patterns.length > 0) {
      await kc.subscribe({ ...(this.options.subscribe ?? {}), topics: patterns });
    }
    await kc.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.batchOptions.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.handleBatch(kc, payload),
    });
    if (patterns.length > 0) this.logger.log(`consuming ${patterns.join(', ')} as ${this.groupId} (batch mode)`);
  }

  /** Dispatches one partition's batch; commits `lastOffset + 1` once the handler completed it. */
  async handleBatch(consumer: KafkaJsConsumer, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const last = batch.messages.length > 0 ? batch.messages[batch.messages.length - 1] : undefined;
    if (last) {
      const handler = this.getHandlerByPattern(batch.topic);
      if (!handler) {
        // Cannot happen for subscribed topics; leave the batch uncommitted rather than skip it.
        this.logger.error(`no handler for ${batch.topic}; batch at ${batch.firstOffset()} left uncommitted`);
        await sleep(this.batchOptions.failedBatchPauseMs);
        return;
      }
      const kafkaBatch: KafkaBatch = {
        topic: batch.topic,
        logicalTopic: batch.topic.startsWith(this.topicPrefix) ? batch.topic.slice(this.topicPrefix.length) : batch.topic,
        partition: batch.partition,
        messages: batch.messages,
        firstOffset: batch.firstOffset(),
        lastOffset: batch.lastOffset(),
        highWatermark: batch.highWatermark,
        offsetLag: () => batch.offsetLag(),
        heartbeat,
        shouldContinue: () => isRunning() && !isStale() && !this.closing,
      };
      const context = new KafkaContext([
        last as never,
        batch.partition,
        batch.topic,
        consumer as never,
        heartbeat,
        this.producer as never,
      ]);
      let outcome: unknown;
      // kafkajs heartbeats only between fetches: keep it going while the handler works.
      const pump = setInterval(() => void heartbeat().catch(() => undefined), this.batchOptions.heartbeatIntervalMs);
      try {
        outcome = await this.invoke(handler, kafkaBatch, context);
      } catch (err) {
        // Not committed: the batch is fetched again after a pause.
        this.logger.error(`${batch.topic}[${batch.partition}] batch at ${batch.firstOffset()} failed: ${messageOf(err)}`);
        await sleep(this.batchOptions.failedBatchPauseMs);
        return;
      } finally {
        clearInterval(pump);
      }
      if (!isCompleted(outcome)) return;
      // Resolving the last message also covers a trailing transaction control record.
      resolveOffset(last.offset);
      const sideOutputs = (outcome.produce ?? []).filter((o) => o.messages.length > 0);
      if (sideOutputs.length > 0) {
        const committed = await this.commitWithSideOutputs(batch.topic, batch.partition, batch.lastOffset(), sideOutputs, kafkaBatch);
        if (committed && outcome.afterCommit) {
          await outcome.afterCommit().catch((err: unknown) => this.logger.warn(`${batch.topic}[${batch.partition}] after-commit step failed: ${messageOf(err)}`));
        }
        return;
      }
    } else {
      // Only control records (or compacted away): nothing to hand over.
      resolveOffset(batch.lastOffset());
    }
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    try {
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
    } catch (err) {
      // The handler made the batch durable; an uncommitted offset only means a redelivery.
      this.logger.warn(`${batch.topic}[${batch.partition}] commit of ${next} failed: ${messageOf(err)}`);
    }
  }

  /**
   * Produces the side outputs and commits `lastOffset + 1` in one Kafka transaction. A failed
   * transaction may still have committed (the commit reached the coordinator, its answer did
   * not): the producer is replaced by a new one with the same transactional id, which makes
   * the coordinator finish or abort whatever was pending, and the group's committed offset
   * then tells whether to try again. So it is retried (heartbeating) until it is known
   * committed, exactly once, while this consumer owns the partition; if it loses it, the
   * batch is redelivered to the new owner.
   */
  private async commitWithSideOutputs(topic: string, partition: number, lastOffset: string, outputs: SideOutput[], batch: KafkaBatch): Promise<boolean> {
    const next = (BigInt(lastOffset) + 1n).toString();
    for (let attempt = 1; batch.shouldContinue(); attempt++) {
      try {
        if (attempt > 1 && (await this.committedAtLeast(topic, partition, next))) return true;
        await this.inTransaction(async (producer) => {
          const txn = await producer.transaction();
          try {
            for (const o of outputs) await txn.send({ topic: o.topic, messages: o.messages, acks: -1 });
            await txn.sendOffsets({ consumerGroupId: this.groupId, topics: [{ topic, partitions: [{ partition, offset: next }] }] });
            // Re-checked last: a consumer that lost the partition must not commit over its new owner.
            if (!batch.shouldContinue()) throw new Error('partition reassigned before commit');
            await txn.commit();
          } catch (err) {
            await txn.abort().catch(() => undefined);
            throw err;
          }
        });
        return true;
      } catch (err) {
        await this.resetTxnProducer();
        const delay = Math.min(MAX_TXN_RETRY_MS, 250 * 2 ** Math.min(attempt - 1, 10));
        this.logger.warn(
          `${topic}[${partition}] transaction committing ${next} with ${outputs.reduce((n, o) => n + o.messages.length, 0)} records failed (attempt ${attempt}): ${messageOf(err)}; retrying in ${delay} ms`,
        );
        await batch.heartbeat().catch(() => undefined);
        await sleep(delay);
      }
    }
    return false;
  }

  /** Whether the group's committed offset for the partition has reached `offset` (a transaction did commit). */
  private async committedAtLeast(topic: string, partition: number, offset: string): Promise<boolean> {
    if (!this.client) return false;
    const admin = this.client.admin();
    await admin.connect();
    try {
      const [t] = await admin.fetchOffsets({ groupId: this.groupId, topics: [topic] });
      const committed = t?.partitions.find((p) => p.partition === partition)?.offset;
      return committed !== undefined && Number(committed) >= 0 && BigInt(committed) >= BigInt(offset);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Runs `work` with the transactional producer, one transaction at a time. */
  private inTransaction(work: (producer: Producer) => Promise<void>): Promise<void> {
    const run = this.txnQueue.then(async () => {
      this.txnProducer ??= this.createTxnProducer();
      let producer: Producer;
      try {
        producer = await this.txnProducer;
      } catch (err) {
        this.txnProducer = undefined;
        throw err;
      }
      await work(producer);
    });
    this.txnQueue = run.catch(() => undefined);
    return run;
  }

  /** Drops the producer after a failure; the next one (same transactional id) fences it and settles its transaction. */
  private async resetTxnProducer(): Promise<void> {
    const old = this.txnProducer;
    this.txnProducer = undefined;
    if (old) await old.then((p) => p.disconnect()).catch(() => undefined);
  }

  private async createTxnProducer(): Promise<Producer> {
    if (!this.client) throw new Error('Kafka client not started');
    const producer = this.client.producer({
      transactionalId: this.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // A transaction left open by a crashed instance holds back read_committed readers of
      // the topics it wrote to until the broker aborts it: keep that short (ours take ms).
      transactionTimeout: 20_000,
    });
    await producer.connect();
    return producer;
  }

  /** Calls the handler like ServerKafka#handleEvent (processing hooks included) and returns its last value. */
  private invoke(
    handler: NonNullable<ReturnType<ServerKafka['getHandlerByPattern']>>,
    batch: KafkaBatch,
    context: KafkaContext,
  ): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const run = this.runWithProcessingHooks(context, async (runEndHook) => {
        try {
          const result$ = this.transformToObservable(await handler(batch, context)) as Observable<unknown>;
          resolve(await lastValueFrom(result$.pipe(finalize(runEndHook)), { defaultValue: undefined }));
        } catch (err) {
          reject(err);
          throw err;
        }
      }) as unknown;
      // The rejection was handed over above; don't let the hook chain's copy go unhandled.
      if (run instanceof Promise) run.catch(() => undefined);
    });
  }

  private scheduleRestart(): void {
    if (this.restartTimer) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.restartConsumer().catch((err: unknown) => {
        this.logger.error(`consumer restart failed: ${messageOf(err)}`);
        if (!this.closing) this.scheduleRestart();
      });
    }, this.batchOptions.restartDelayMs);
    this.restartTimer.unref();
  }

  /** Replaces the consumer the way ServerKafka#start creates it. */
  private async restartConsumer(): Promise<void> {
    const old = this.consumer;
    await old?.disconnect().catch(() => undefined);
    if (this.closing || !this.client) return;
    this.assigned = false;
    this.consumer = this.client.consumer({ ...(this.options.consumer ?? {}), groupId: this.groupId });
    this.registerConsumerEventListeners();
    await this.consumer.connect();
    await this.bindEvents(this.consumer);
  }
}

