import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AUDIT_LOG_STORE, AUDIT_MIRROR_STORE, AuditLogStore, AuditMirrorStore, ChainBreak, CheckpointReport, verifyChain } from '@smartgrid/audit';
import { performance } from 'node:perf_hooks';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditMetrics } from './audit.metrics';

export type MirrorCheck =
  | { status: 'disabled' | 'unavailable' | 'consistent' | 'lagging'; detail?: string }
  | { status: 'inconsistent'; detail: string };

/** The chain compared with the signed checkpoints (see AuditCheckpointService). */
export type CheckpointCheck =
  | { status: 'disabled' }
  | ({ status: 'none' | 'verified' | 'mismatch'; stored: number; published: number | 'unavailable' } & CheckpointReport);

export interface VerifyReport {
  valid: boolean;
  /** Entries checked (all of them when valid). */
  entries: number;
  /** The chain head recorded by the database. */
  headSeq: number;
  headHash: string;
  firstBroken: ChainBreak | null;
  /** The MongoDB copy compared with the chain's tail (an anchor outside PostgreSQL). */
  mirror: MirrorCheck;
  checkpoints: CheckpointCheck;
  durationMs: number;
  verifiedAt: string;
}

/**
 * Recomputes the whole chain from one PostgreSQL snapshot and reports the first entry that
 * does not verify. Then, as an anchor PostgreSQL alone cannot give, compares the tail with the
 * MongoDB copy: a chain rewritten from some entry onwards (hashes recomputed, head moved)
 * verifies on its own but no longer matches the copies made when the entries were written.
 * And each signed checkpoint must match its entry: a chain rewritten in both stores alike
 * (triggers disabled by a superuser) still cannot carry the signed hashes of the old one.
 */
@Injectable()
export class AuditVerifyService {
  private readonly logger = new Logger('AuditVerify');

  constructor(
    @Inject(AUDIT_LOG_STORE) private readonly pg: AuditLogStore,
    private readonly metrics: AuditMetrics,
    private readonly checkpointing: AuditCheckpointService,
    // Bound only when USE_MONGODB_AUDIT is on.
    @Optional() @Inject(AUDIT_MIRROR_STORE) private readonly mongo?: AuditMirrorStore,
  ) {}

  async verify(): Promise<VerifyReport> {
    const started = performance.now();
    const known = await this.checkpointing.checker();
    const { head, broken, checked } = await verifyChain(this.pg, { checkpoints: known?.checker });
    let firstBroken = broken;
    const checkpoints: CheckpointCheck = !known
      ? { status: 'disabled' }
      : {
          status: broken?.reason === 'checkpoint_mismatch' ? 'mismatch' : known.checker.report.verified === 0 ? 'none' : 'verified',
          stored: known.stored,
          published: known.published,
          ...known.checker.report,
        };
    // Compared unless the chain is broken in itself: a chain that only disagrees with its
    // checkpoints is whole, and whether its copy agrees tells how far the rewrite went.
    const internallyBroken = firstBroken !== null && firstBroken.reason !== 'checkpoint_mismatch';
    const mirror = internallyBroken ? { status: 'unavailable' as const, detail: 'not compared: the chain is broken' } : await this.checkMirror(head.lastSeq, head.lastHash);
    if (!firstBroken && mirror.status === 'inconsistent') {
      firstBroken = { seq: head.lastSeq, id: null, reason: 'anchor_mismatch', message: mirror.detail };
    }
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    const report: VerifyReport = {
      valid: firstBroken === null,
      entries: checked,
      headSeq: head.lastSeq,
      headHash: head.lastHash,
      firstBroken,
      mirror,
      checkpoints,
      durationMs,
      verifiedAt: new Date().toISOString(),
    };
    this.metrics.verifySeconds.set(durationMs / 1000);
    this.metrics.verifyValid.set(report.valid ? 1 : 0);
    this.metrics.verifiedEntries.set(report.entries);
    if (!report.valid) this.logger.error(`audit chain broken: ${firstBroken?.reason} at entry ${firstBroken?.seq}: ${firstBroken?.message}`);
    return report;
  }

  private async checkMirror(lastSeq: number, lastHash: string): Promise<MirrorCheck> {
    if (!this.mongo) return { status: 'disabled' };
    if (!this.mongo.isConnected()) return { status: 'unavailable', detail: 'MongoDB is not connected' };
    try {
      const [maxSeq, tail] = await Promise.all([this.mongo.maxSeq(), lastSeq > 0 ? this.mongo.findBySeq(lastSeq) : Promise.resolve(null)]);
      if (maxSeq > lastSeq) {
        return { status: 'inconsistent', detail: `MongoDB holds entry ${maxSeq} but the PostgreSQL chain ends at ${lastSeq}: entries were removed from PostgreSQL` };
      }
      if (tail && tail.hash !== lastHash) {
        return { status: 'inconsistent', detail: `entry ${lastSeq} has another hash in MongoDB: the PostgreSQL chain was rewritten` };
      }
      return tail || lastSeq === 0 ? { status: 'consistent' } : { status: 'lagging', detail: `entry ${lastSeq} is not in MongoDB yet` };
    } catch (e) {
      return { status: 'unavailable', detail: e instanceof Error ? e.message : String(e) };
    }
  }
}
