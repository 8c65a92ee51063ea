import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { userInfo } from 'os';
import {
  BacklogReplayer,
  HybridStorageService,
  QuarantineItem,
  QuarantineService,
  ReconcileReport,
  StorageSyncService,
  SyncProgress,
} from '@smartgrid/hybrid-storage';
import type { ConfigType } from '@nestjs/config';
import { kafkaConfig } from '@smartgrid/config';
import { AuditEventsPublisher, KAFKA_ADMIN, KAFKA_CLIENT } from '@smartgrid/kafka';
import type { Admin, Kafka } from 'kafkajs';
import { RetentionJob } from '../storage/retention.job';
import { listDeadLetters, parseDlqTopic, redriveDeadLetters } from './dead-letters.commands';
import { runBackup, runRestore } from './backup.commands';
import { CliCommand, CliUsageError, parseCliArgs, USAGE } from './storage-cli.args';
import { StorageCliModule } from './storage-cli.module';

/**
 * Storage maintenance from the command line: backlog status and replay, backfill between the
 * stores, reconcile (and repair). Configured by the same environment variables as the app.
 *
 *   npm run build && npm run storage:cli -- reconcile --from 2026-01-20 --to 2026-01-21 --repair
 */
type Out = { log(line: string): void; progress(line: string): void };

const out: Out = {
  log: (line) => process.stdout.write(`${line}\n`),
  progress: (line) => process.stderr.write(process.stderr.isTTY ? `\r\x1b[K${line}` : `${line}\n`),
};

function progressPrinter(label: string): (p: SyncProgress) => void {
  let last = 0;
  return (p) => {
    if (p.phase === 'list') return out.progress(`[${label} ${p.kind}] listing series…`);
    const now = Date.now();
    // At most ~5 lines a second, but always the last one.
    if (p.done !== p.total && now - last < 200) return;
    last = now;
    const pct = p.total ? Math.floor((p.done / p.total) * 100) : 100;
    out.progress(`[${label} ${p.kind}] ${p.done}/${p.total} (${pct}%) ${p.id ?? ''} ${p.day ?? ''}${p.rows !== undefined ? ` ${p.rows} rows` : ''}`);
    if (p.done === p.total && process.stderr.isTTY) process.stderr.write('\n');
  };
}

function printReconcile(report: ReconcileReport, all: boolean): void {
  const t = report.totals;
  out.log(`reconcile ${report.from.toISOString()} .. ${report.to.toISOString()}${report.repair ? ' (repair)' : ''}`);
  out.log(`units ${t.units}, out of sync ${t.outOfSync}; rows postgres ${t.rows.postgres}, cassandra ${t.rows.cassandra}`);
  out.log(`missing in postgres ${t.missingIn.postgres}, missing in cassandra ${t.missingIn.cassandra}, mismatched ${t.mismatched}`);
  if (report.repair) out.log(`repaired: postgres ${t.repaired.postgres} rows, cassandra ${t.repaired.cassandra} rows`);
  const units = all ? report.units : report.units.filter((u) => !u.inSync);
  if (units.length === 0) return;
  out.log('');
  out.log(['kind', 'id', 'day', 'pg count', 'pg checksum', 'cs count', 'cs checksum', 'miss pg', 'miss cs', 'mismatch', 'state'].join('\t'));
  for (const u of units) {
    const state = u.inSync ? 'ok' : u.repaired ? (u.repaired.verified ? 'repaired' : 'repair-unverified') : 'DIFF';
    out.log(
      [u.kind, u.id, u.day, u.postgres.count, u.postgres.checksum, u.cassandra.count, u.cassandra.checksum, u.missingIn.postgres, u.missingIn.cassandra, u.mismatched, state].join('\t'),
    );
  }
}

function printQuarantineItem(i: QuarantineItem): void {
  out.log(
    [i.id, i.target, i.kind, String(i.rowCount), i.quarantinedAt.toISOString(), String(i.attempts), String(i.retries), i.sample.map((s) => `${s.id}@${s.timestamp.toISOString()}`).join(' '), i.reason.slice(0, 120)].join('\t'),
  );
}

/** Who ran the command, for the audit log: the OS account (there is no token here). */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

async function runQuarantine(cmd: Extract<CliCommand, { name: 'quarantine' }>, quarantine: QuarantineService, audit: () => AuditEventsPublisher): Promise<number> {
  if (cmd.action === 'list') {
    const page = await quarantine.list({ limit: cmd.limit, ...(cmd.target ? { target: cmd.target } : {}) });
    if (cmd.json) return out.log(JSON.stringify(page, null, 2)), 0;
    const status = await quarantine.status();
    out.log(`quarantine: ${status.entries} entries, ${status.rows} rows${status.oldestAgeMs === null ? '' : `, oldest ${Math.round(status.oldestAgeMs / 1000)} s`}`);
    if (page.items.length > 0) out.log(['id', 'refused by', 'kind', 'rows', 'quarantined at', 'attempts', 'retries', 'sample', 'reason'].join('\t'));
    for (const i of page.items) printQuarantineItem(i);
    for (const u of page.unreachable) out.log(`  quarantine in ${u.location} unreachable: ${u.error}`);
    if (page.nextCursor) out.log(`(more: raise --limit)`);
    return 0;
  }
  if (cmd.action === 'show') {
    const item = await quarantine.get(cmd.id);
    out.log(JSON.stringify(item, null, 2));
    return 0;
  }
  const actor = cliActor();
  if (cmd.action === 'retry') {
    const r = await quarantine.retry(cmd.id);
    await audit().publish({ actor, action: 'storage.quarantine.retry', resource: `storage/quarantine/${cmd.id}`, metadata: { state: r.state, refusedRows: r.refusedRows, ...(r.error ? { error: r.error.slice(0, 500) } : {}) } });
    if (cmd.json) return out.log(JSON.stringify(r, null, 2)), 0;
    out.log(`${cmd.id}: ${r.state}${r.refusedRows ? `, ${r.refusedRows} rows still refused` : ''}${r.error ? ` (${r.error})` : ''}`);
    return r.state === 'replayed' ? 0 : 1;
  }
  const entry = await quarantine.get(cmd.id);
  const discarded = await quarantine.discard(cmd.id);
  await audit().publish({
    actor,
    action: 'storage.quarantine.discard',
    resource: `storage/quarantine/${cmd.id}`,
    metadata: { target: discarded.target, kind: discarded.kind, rowCount: discarded.rowCount, reason: discarded.reason.slice(0, 500), rows: JSON.parse(JSON.stringify(entry.rows)) as unknown },
  });
  out.log(`${cmd.id}: discarded (${discarded.rowCount} rows)`);
  return 0;
}

async function run(cmd: CliCommand): Promise<number> {
  // A restore loads PostgreSQL before the storage stack boots (see runRestore).
  if (cmd.name === 'restore') return runRestore(cmd, out, cliActor());
  // Commands that change stored data are audited on `audit-events`, so they need Kafka.
  const audited =
    cmd.name === 'replay' ||
    cmd.name === 'backfill' ||
    cmd.name === 'retention' ||
    (cmd.name === 'dlq' && cmd.action === 'redrive' && !cmd.dryRun) ||
    (cmd.name === 'reconcile' && cmd.repair) ||
    (cmd.name === 'quarantine' && (cmd.action === 'retry' || cmd.action === 'discard'));
  const kafka = cmd.name === 'dlq' || cmd.name === 'backup';
  const ctx = await NestFactory.createApplicationContext(StorageCliModule.register({ audit: audited, kafka }), { logger: ['error', 'warn'] });
  const auditor = (): AuditEventsPublisher => ctx.get(AuditEventsPublisher);
  try {
    const storage = ctx.get(HybridStorageService);
    const sync = ctx.get(StorageSyncService);
    switch (cmd.name) {
      case 'status': {
        const s = await storage.getBacklogStatus();
        if (cmd.json) return out.log(JSON.stringify(s, null, 2)), 0;
        out.log(`backlog: ${s.entries} entries, ${s.rows} rows, oldest ${s.oldestAgeMs === null ? '-' : `${Math.round(s.oldestAgeMs / 1000)} s`}`);
        for (const [target, t] of Object.entries(s.targets)) out.log(`  for ${target}: ${t.entries} entries, ${t.rows} rows`);
        for (const u of s.unreachable) out.log(`  backlog in ${u.location} unreachable: ${u.error}`);
        return 0;
      }
      case 'replay': {
        const before = await storage.getBacklogStatus();
        out.progress(`replaying ${before.entries} entries (${before.rows} rows)…`);
        const report = await ctx.get(BacklogReplayer).drainNow();
        await auditor().publish({ actor: cliActor(), action: 'storage.replay', resource: 'storage/backlog', metadata: { targets: report.targets.map((t) => ({ ...t })) } });
        if (cmd.json) return out.log(JSON.stringify(report, null, 2)), 0;
        for (const t of report.targets) out.log(`${t.target}: ${t.state}, ${t.entries} entries, ${t.rows} rows${t.error ? ` (${t.error})` : ''}`);
        const after = await storage.getBacklogStatus();
        out.log(`backlog now ${after.entries} entries, ${after.rows} rows (${report.durationMs} ms)`);
        return report.targets.some((t) => t.state !== 'drained') ? 1 : 0;
      }
      case 'backfill': {
        const report = await sync.backfill({ ...cmd, onProgress: progressPrinter('backfill') });
        await auditor().publish({
          actor: cliActor(),
          action: 'storage.backfill',
          resource: `storage/${cmd.target}`,
          metadata: { from: cmd.from.toISOString(), to: cmd.to.toISOString(), source: cmd.source, target: cmd.target, kinds: report.kinds },
        });
        if (cmd.json) return out.log(JSON.stringify(report, null, 2)), 0;
        for (const k of report.kinds) out.log(`${k.kind}: ${k.ids} series, ${k.units} series-days, ${k.rows} rows copied ${cmd.source} -> ${cmd.target}`);
        const secs = report.durationMs / 1000;
        const rows = report.kinds.reduce((n, k) => n + k.rows, 0);
        out.log(`done in ${secs.toFixed(1)} s (${Math.round(rows / Math.max(secs, 0.001))} rows/s)`);
        return 0;
      }
      case 'quarantine':
        return await runQuarantine(cmd, ctx.get(QuarantineService), auditor);
      case 'retention': {
        const report = await ctx.get(RetentionJob).runOnce();
        await auditor().publish({ actor: cliActor(), action: 'storage.retention', resource: 'storage/both', metadata: JSON.parse(JSON.stringify(report)) as Record<string, unknown> });
        if (cmd.json) return out.log(JSON.stringify(report, null, 2)), 0;
        if (report.kinds.length === 0 && !report.aggregates) out.log('retention: every kind is kept forever (*_RETENTION_DAYS = 0), nothing to do');
        for (const k of report.kinds) {
          out.log(`${k.kind}: horizon ${k.horizon.toISOString()}; ${Object.entries(k.dropped).map(([s, d]) => `${s} dropped ${d.length ? d.join(', ') : 'nothing'}`).join('; ')}`);
          for (const [s, e] of Object.entries(k.errors)) out.log(`  ${s} failed: ${e}`);
        }
        if (report.aggregates) out.log(`aggregates: horizon ${report.aggregates.horizon.toISOString()}; ${report.aggregates.sensorBuckets} sensor buckets, ${report.aggregates.consumptionDays} consumption days removed${report.aggregates.error ? ` (failed: ${report.aggregates.error})` : ''}`);
        return report.kinds.some((k) => Object.keys(k.errors).length > 0) || report.aggregates?.error ? 1 : 0;
      }
      case 'dlq': {
        const client = ctx.get<Kafka>(KAFKA_CLIENT);
        const admin = ctx.get<Admin>(KAFKA_ADMIN);
        const prefix = ctx.get<ConfigType<typeof kafkaConfig>>(kafkaConfig.KEY).topicPrefix;
        if (cmd.action === 'list') {
          const topics = cmd.topics.map(parseDlqTopic);
          const summary = await listDeadLetters(client, admin, prefix, { topics, samples: cmd.samples, ...(cmd.reason ? { reason: cmd.reason } : {}), ...(cmd.since ? { since: cmd.since } : {}) }, out.progress);
          if (cmd.json) return out.log(JSON.stringify(summary, null, 2)), 0;
          for (const t of summary) {
            out.log(`${t.topic}: ${t.count} dead letters${cmd.reason || cmd.since ? ' matching' : ''} (offset span ${t.offsetSpan}, transaction markers included)`);
            for (const g of t.byReason) {
              out.log(`  ${g.code}\t${g.count}\t${g.oldest ?? ''} .. ${g.newest ?? ''}`);
              for (const x of g.samples) out.log(`    [${x.partition}]@${x.offset} key=${x.key ?? '-'} ${x.reason.slice(0, 160)} | ${(x.value ?? '').slice(0, 120)}`);
            }
          }
          return 0;
        }
        const topic = parseDlqTopic(cmd.topic);
        const s = await redriveDeadLetters(client, admin, prefix, ctx.get(HybridStorageService), topic, { dryRun: cmd.dryRun, ...(cmd.reason ? { reason: cmd.reason } : {}), ...(cmd.since ? { since: cmd.since } : {}) }, out.progress);
        if (!cmd.dryRun) {
          await auditor().publish({
            actor: cliActor(),
            action: 'storage.dlq.redrive',
            resource: `kafka/${topic}`,
            metadata: { reason: cmd.reason ?? null, since: cmd.since?.toISOString() ?? null, ...s, stillDeadByReason: s.stillDeadByReason.map((g) => ({ code: g.code, count: g.count })) },
          });
        }
        if (cmd.json) return out.log(JSON.stringify(s, null, 2)), 0;
        out.log(`${topic}${cmd.dryRun ? ' (dry run: nothing written)' : ''}: read ${s.read}, selected ${s.selected}, stored ${s.stored}, past retention ${s.expired}, still dead ${s.stillDead} (${s.durationMs} ms)`);
        for (const g of s.stillDeadByReason) {
          out.log(`  still dead: ${g.code}\t${g.count}`);
          for (const x of g.samples) out.log(`    [${x.partition}]@${x.offset} was "${x.reason.slice(0, 80)}", now "${x.newReason.slice(0, 120)}"`);
        }
        return 0;
      }
      case 'backup':
        return await runBackup(ctx, cmd, out);
      case 'reconcile': {
        const report = await sync.reconcile({ ...cmd, onProgress: progressPrinter(cmd.repair ? 'repair' : 'reconcile') });
        if (cmd.repair) {
          await auditor().publish({
            actor: cliActor(),
            action: 'storage.reconcile.repair',
            resource: 'storage/both',
            metadata: { from: cmd.from.toISOString(), to: cmd.to.toISOString(), totals: report.totals },
          });
        }
        if (cmd.json) out.log(JSON.stringify(report, null, 2));
        else printReconcile(report, cmd.all);
        const unresolved = report.units.some((u) => !u.inSync && !u.repaired?.verified);
        return unresolved ? 2 : 0;
      }
    }
  } finally {
    await ctx.close();
  }
}

async function main(argv: string[]): Promise<number> {
  let cmd: CliCommand;
  try {
    cmd = parseCliArgs(argv);
  } catch (err) {
    if (err instanceof CliUsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}\n`);
      return 1;
    }
    throw err;
  }
  return run(cmd);
}

if (require.main === module) {
  if (process.argv.includes('--help') || process.argv.length <= 2) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(process.argv.length <= 2 ? 1 : 0);
  }
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`storage-cli: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

export { main };
