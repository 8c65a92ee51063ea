import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@smartgrid/observability';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Audit and login metrics, registered on the app's registry (served at GET /metrics). */
@Injectable()
export class AuditMetrics {
  readonly entries: Counter<'origin'>;
  readonly appendSeconds: Histogram;
  readonly backlog: Gauge;
  readonly mirrorFailures: Counter;
  readonly mirrored: Counter;
  readonly verifySeconds: Gauge;
  readonly verifyValid: Gauge;
  readonly verifiedEntries: Gauge;
  readonly eventsConsumed: Counter<'outcome'>;
  readonly queries: Counter<'source'>;
  readonly logins: Counter<'outcome'>;
  readonly checkpoints: Counter;
  readonly checkpointSeq: Gauge;
  /** Set by the mirror: how to count the backlog (undefined keeps the last value). */
  backlogSource?: () => Promise<number | undefined>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.entries = new Counter({ name: 'smartgrid_audit_entries_total', help: 'Audit entries appended to PostgreSQL', labelNames: ['origin'], registers });
    this.appendSeconds = new Histogram({
      name: 'smartgrid_audit_append_seconds',
      help: 'Time to append audit entries (chain lock, hash, insert)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    const self = this;
    this.backlog = new Gauge({
      name: 'smartgrid_audit_mongo_backlog',
      help: 'Audit entries waiting to be copied to MongoDB',
      registers,
      // Read at scrape time, so the figure is current on every instance.
      async collect() {
        const size = await self.backlogSource?.().catch(() => undefined);
        if (size !== undefined) this.set(size);
      },
    });
    this.mirrored = new Counter({ name: 'smartgrid_audit_mirrored_total', help: 'Audit entries copied to MongoDB', registers });
    this.mirrorFailures = new Counter({ name: 'smartgrid_audit_mirror_failures_total', help: 'Failed attempts to copy audit entries to MongoDB', registers });
    this.verifySeconds = new Gauge({ name: 'smartgrid_audit_verify_duration_seconds', help: 'Duration of the last chain verification', registers });
    this.verifyValid = new Gauge({ name: 'smartgrid_audit_chain_valid', help: '1 when the last chain verification passed, 0 when it found a break', registers });
    this.verifiedEntries = new Gauge({ name: 'smartgrid_audit_verified_entries', help: 'Entries checked by the last chain verification', registers });
    this.eventsConsumed = new Counter({ name: 'smartgrid_audit_events_consumed_total', help: 'audit-events messages handled, by outcome (stored, duplicate, dead_lettered)', labelNames: ['outcome'], registers });
    this.queries = new Counter({ name: 'smartgrid_audit_queries_total', help: 'Audit log queries by the store that answered', labelNames: ['source'], registers });
    this.checkpoints = new Counter({ name: 'smartgrid_audit_checkpoints_total', help: 'Signed audit checkpoints published and stored', registers });
    this.checkpointSeq = new Gauge({ name: 'smartgrid_audit_checkpoint_seq', help: 'Chain entry covered by the last signed checkpoint', registers });
    this.logins = new Counter({ name: 'smartgrid_login_attempts_total', help: 'Login attempts by outcome (success, invalid_credentials, disabled, throttled)', labelNames: ['outcome'], registers });
  }
}
