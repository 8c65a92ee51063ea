import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { decodeRevocation, encodeRevocation, revocationKey, TokenRevocation, TokenRevocationList } from '@smartgrid/auth';
import { kafkaConfig } from '@smartgrid/config';
import { Admin, Consumer, Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { KAFKA_ADMIN, KAFKA_CLIENT } from '../kafka.constants';
import { prefixedTopic } from '../kafka.topics';
import { TopicPublisher } from '../topic.publisher';
import { ensureConfiguredTopic, TopicSpec } from './configured.topic';

/** Logical name of the topic (KAFKA_TOPIC_PREFIX is added). */
export const TOKEN_REVOCATIONS_TOPIC = 'token-revocations';

/**
 * One partition (a handful of records per day, read whole by every instance); compacted per
 * key (the newest per user wins) and deleted after two days: a record older than the longest
 * token lifetime (JWT_TTL_SECONDS ≤ 1 day) concerns only expired tokens.
 */
export function tokenRevocationsTopic(prefix: string): TopicSpec {
  return {
    topic: prefixedTopic(prefix, TOKEN_REVOCATIONS_TOPIC),
    numPartitions: 1,
    configEntries: { 'cleanup.policy': 'compact,delete', 'retention.ms': String(2 * 86_400_000), 'min.compaction.lag.ms': '0' },
  };
}

const LOAD_TIMEOUT_MS = 30_000;

/**
 * Feeds the instance's TokenRevocationList from the `token-revocations` topic. Every instance
 * of both apps reads the whole topic with a consumer group of its own (nothing committed), so
 * each one learns every revocation within moments of its publication, and a restarted one
 * learns again those made while it was down. Start-up waits (up to 30 s) until the topic has
 * been read to its end; until then the guard answers 503 rather than accept a revoked token.
 */
@Injectable()
export class TokenRevocationsFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TokenRevocations');
  private consumer: Consumer | undefined;
  private loaded: Promise<void> | undefined;

  constructor(
    private readonly list: TokenRevocationList,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(kafkaConfig.KEY) private readonly cfg: ConfigType<typeof kafkaConfig>,
  ) {
    list.expectFeed();
  }

  /** Resolves once every revocation published before start-up has been applied. */
  whenLoaded(): Promise<void> {
    return this.loaded ?? Promise.reject(new Error('the revocation feed has not started'));
  }

  async onApplicationBootstrap(): Promise<void> {
    const spec = tokenRevocationsTopic(this.cfg.topicPrefix);
    await ensureConfiguredTopic(this.admin, spec);
    // Where the topic ends now: reaching these offsets means "everything published before I started".
    const ends = new Map<number, bigint>();
    for (const p of await this.admin.fetchTopicOffsets(spec.topic)) {
      if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high) - 1n);
    }
    let markLoaded!: () => void;
    this.loaded = new Promise<void>((resolve) => (markLoaded = resolve));
    const check = () => {
      if (ends.size === 0) {
        this.list.markLoaded();
        markLoaded();
      }
    };
    const consumer = this.kafka.consumer({
      groupId: `${this.cfg.topicPrefix}smartgrid-token-revocations-${randomUUID()}`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 500,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const r = decodeRevocation(message.value);
        if (r) this.list.apply(r);
        else this.logger.warn(`ignored an unreadable record at ${spec.topic}/${partition}@${message.offset}`);
        const end = ends.get(partition);
        if (end !== undefined && BigInt(message.offset) >= end) {
          ends.delete(partition);
          check();
        }
      },
    });
    check();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.loaded.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), LOAD_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    if (timedOut) this.logger.warn(`${spec.topic} not read to its end after ${LOAD_TIMEOUT_MS} ms; authenticated requests get 503 until it is`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect().catch((e: unknown) => this.logger.warn(`disconnect failed: ${String(e)}`));
  }
}

/** Publishes revocations (acks from all in-sync replicas) on `token-revocations`. */
@Injectable()
export class TokenRevocationsPublisher extends TopicPublisher(TOKEN_REVOCATIONS_TOPIC) {
  async publish(revocations: readonly TokenRevocation[]): Promise<void> {
    if (revocations.length === 0) return;
    await this.send(revocations.map((r) => ({ key: revocationKey(r), value: encodeRevocation(r) })));
  }
}
