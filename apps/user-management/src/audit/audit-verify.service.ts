import { Injectable, Logger } from '@nestjs/common';
import { AuditMongoRepository } from '@smartgrid/mongo';
import { AuditPgRepository, ChainHead } from '@smartgrid/postgres';
import { performance } from 'node:perf_hooks';
import { ChainBreak, ChainVerifier } from './audit-chain';
import { rowToEntry } from './audit-mapping';
import { AuditMetrics } from './audit.metrics';
import { AuditMirrorService } from './audit-mirror.service';

export type MirrorCheck =
  | { status: 'disabled' | 'unavailable' | 'consistent' | 'lagging'; detail?: string }
  | { status: 'inconsistent'; detail: string };

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
  durationMs: number;
  verifiedAt: string;
}

/**
 * Walks the PostgreSQL chain from one snapshot (head and rows consistent with each other)
 * and returns the first break, if any.
 */
export async function verifyChain(pg: AuditPgRepository): Promise<{ head: ChainHead; broken: ChainBreak | null; checked: number }> {
  const verifier = new ChainVerifier();
  return pg.inSnapshot(async (m) => {
    const head = await pg.head(m);
    for await (const page of pg.readInOrder(m)) {
      for (const row of page) {
        const broken = verifier.check(rowToEntry(row));
        if (broken) return { head, broken, checked: verifier.checked };
      }
    }
    return { head, broken: verifier.finish(head), checked: verifier.checked };
  });
}

/**
 * Recomputes the whole chain from one PostgreSQL snapshot and reports the first entry that
 * does not verify. Then, as an anchor PostgreSQL alone cannot give, compares the tail with the
 * MongoDB copy: a chain rewritten from some entry onwards (hashes recomputed, head moved)
 * verifies on its own but no longer matches the copies made when the entries were written.
 */
@Injectable()
export class AuditVerifyService {
  private readonly logger = new Logger('AuditVerify');

  constructor(
    private readonly pg: AuditPgRepository,
    private readonly mongo: AuditMongoRepository,
    private readonly mirror: AuditMirrorService,
    private readonly metrics: AuditMetrics,
  ) {}

  async verify(): Promise<VerifyReport> {
    const started = performance.now();
    const { head, broken, checked } = await verifyChain(this.pg);
    let firstBroken = broken;
    const mirror = firstBroken ? { status: 'unavailable' as const, detail: 'not compared: the chain is broken' } : await this.checkMirror(head.lastSeq, head.lastHash);
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
    if (!this.mirror.enabled) return { status: 'disabled' };
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
