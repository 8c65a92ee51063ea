import { ConflictException, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import {
  AUDIT_CHECKPOINT_STORE, AUDIT_LOG_STORE, AuditCheckpoint, AuditCheckpointStore, AuditLogStore, CheckpointChecker, keyIdOf, parseCheckpointPrivateKey,
  publicKeyText, signCheckpoint,
} from '@smartgrid/audit';
import { auditConfig, kafkaConfig } from '@smartgrid/config';
import { AuditCheckpointsPublisher, KAFKA_CLIENT, readAuditCheckpoints } from '@smartgrid/kafka';
import { Kafka } from 'kafkajs';
import { KeyObject } from 'node:crypto';
import { AuditMetrics } from './audit.metrics';

/** Signing is off: AUDIT_CHECKPOINT_KEY is not set. */
export class CheckpointsDisabledError extends ServiceUnavailableException {
  constructor() {
    super('audit checkpoints are not configured (AUDIT_CHECKPOINT_KEY)');
  }
}

/** The chain no longer holds the last signed entry as it was signed: signing it would endorse a rewrite. */
export class ChainRewrittenError extends ConflictException {
  constructor(seq: number) {
    super(`entry ${seq} no longer matches the last checkpoint: the chain was rewritten; refusing to sign it (run GET /api/audit-logs/verify)`);
  }
}

/**
 * Signs the chain head (seq, hash, time) with the Ed25519 key of AUDIT_CHECKPOINT_KEY,
 * publishes the checkpoint on Kafka `audit-checkpoints` (the copy outside both databases) and
 * then stores it; periodically (AUDIT_CHECKPOINT_INTERVAL_SECONDS, only when the chain has
 * grown since the last one) and on demand. The key stays in this process: it is never logged
 * nor returned, only its public half and key id are. It never signs a chain that no longer
 * holds the last signed entry (known from Kafka at start, then from its own signing): a
 * rewrite is refused (ChainRewrittenError, logged as an error), not endorsed.
 */
@Injectable()
export class AuditCheckpointService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditCheckpoints');
  private readonly key: KeyObject | null;
  private timer: NodeJS.Timeout | undefined;
  private signing: Promise<AuditCheckpoint> | null = null;
  /** The newest checkpoint this instance knows was signed (published or its own). */
  private lastSigned: AuditCheckpoint | null = null;
  /** The checkpoint a rewrite was last reported against (one error line per rewrite, not per tick). */
  private reportedRewriteOf: string | null = null;

  constructor(
    @Inject(AUDIT_LOG_STORE) private readonly log: AuditLogStore,
    @Inject(AUDIT_CHECKPOINT_STORE) private readonly store: AuditCheckpointStore,
    private readonly publisher: AuditCheckpointsPublisher,
    private readonly metrics: AuditMetrics,
    @Inject(auditConfig.KEY) private readonly cfg: ConfigType<typeof auditConfig>,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(kafkaConfig.KEY) private readonly kafkaCfg: ConfigType<typeof kafkaConfig>,
  ) {
    // Validated at start-up (libs/config); parsed once here.
    this.key = cfg.checkpointKey ? parseCheckpointPrivateKey(cfg.checkpointKey) : null;
  }

  get enabled(): boolean {
    return this.key !== null;
  }

  /** The public key (base64 SPKI DER) and its id, for verifiers; null when signing is off. */
  get publicKey(): { publicKey: string; keyId: string } | null {
    return this.key ? { publicKey: publicKeyText(this.key), keyId: keyIdOf(this.key) } : null;
  }

  /**
   * A checker for every checkpoint known: the stored ones and the published ones (read from
   * Kafka, so wiping the table hides nothing), or null when signing is off.
   */
  async checker(): Promise<{ checker: CheckpointChecker; stored: number; published: number | 'unavailable' } | null> {
    if (!this.key) return null;
    const stored = await this.store.all();
    let published: AuditCheckpoint[] | 'unavailable';
    try {
      published = (await readAuditCheckpoints(this.kafka, this.kafkaCfg.topicPrefix, 30_000)).checkpoints;
    } catch (e) {
      this.logger.warn(`could not read the published checkpoints, verifying against the stored ones only: ${e instanceof Error ? e.message : String(e)}`);
      published = 'unavailable';
    }
    const all = new Map<string, AuditCheckpoint>();
    for (const c of [...stored, ...(published === 'unavailable' ? [] : published)]) all.set(c.signature, c);
    return { checker: new CheckpointChecker([...all.values()], this.key), stored: stored.length, published: published === 'unavailable' ? published : published.length };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.key) {
      this.logger.warn('AUDIT_CHECKPOINT_KEY is not set: the audit chain head is not signed');
      return;
    }
    // The published copy first: the table may have been tampered with.
    const key = this.key;
    const published = await readAuditCheckpoints(this.kafka, this.kafkaCfg.topicPrefix, 30_000)
      .then((r) => r.checkpoints)
      .catch(() => [] as AuditCheckpoint[]);
    const known = [...published, ...(await this.store.latest().then((c) => (c ? [c] : [])))].filter((c) => new CheckpointChecker([c], key).report.verified === 1);
    this.lastSigned = known.reduce<AuditCheckpoint | null>((a, c) => (a === null || c.seq > a.seq ? c : a), null);
    const seconds = this.cfg.checkpointIntervalSeconds;
    if (seconds > 0) {
      this.timer = setInterval(() => void this.periodic(), seconds * 1000);
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.signing?.catch(() => undefined);
  }

  list(limit: number, before?: number): Promise<{ checkpoint: AuditCheckpoint; cursor: number }[]> {
    return this.store.list(limit, before);
  }

  /** Signs the current head now (even if unchanged), publishes and stores it. */
  async signNow(): Promise<AuditCheckpoint> {
    const key = this.key;
    if (!key) throw new CheckpointsDisabledError();
    // One at a time per instance: two requests at once sign the same head once each, in order.
    while (this.signing) await this.signing.catch(() => undefined);
    this.signing = (async () => {
      const head = await this.log.head();
      await this.assertStillHolds(this.lastSigned);
      const checkpoint = signCheckpoint(head, key);
      // Published first: a checkpoint that reached Kafka but not the table is still a valid
      // anchor; one stored but never published would not be outside the databases.
      await this.publisher.publish(checkpoint);
      await this.store.append(checkpoint);
      this.metrics.checkpoints.inc();
      this.metrics.checkpointSeq.set(checkpoint.seq);
      this.lastSigned = checkpoint;
      return checkpoint;
    })();
    try {
      return await this.signing;
    } finally {
      this.signing = null;
    }
  }

  /** Throws ChainRewrittenError when the entry at `signed.seq` is not the one that was signed. */
  private async assertStillHolds(signed: AuditCheckpoint | null): Promise<void> {
    if (!signed || signed.seq === 0) return;
    const [entry] = await this.log.find({ fromSeq: signed.seq, beforeSeq: signed.seq + 1, limit: 1 });
    if (entry?.hash === signed.hash) return;
    if (this.reportedRewriteOf !== signed.signature) this.logger.error(`audit chain rewritten: entry ${signed.seq} differs from the checkpoint signed at ${signed.signedAt.toISOString()}; not signing`);
    this.reportedRewriteOf = signed.signature;
    throw new ChainRewrittenError(signed.seq);
  }

  private async periodic(): Promise<void> {
    try {
      const head = await this.log.head();
      const latest = this.lastSigned ?? (await this.store.latest());
      if (latest && latest.seq >= head.lastSeq) return;
      const c = await this.signNow();
      this.logger.debug(`signed checkpoint at entry ${c.seq}`);
    } catch (e) {
      if (e instanceof ChainRewrittenError) return; // reported once by assertStillHolds
      this.logger.warn(`periodic checkpoint failed, next try in ${this.cfg.checkpointIntervalSeconds} s: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
