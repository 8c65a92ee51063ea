import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import {
  BacklogReplayer,
  HybridStorageService,
  ReconcileReport,
  StorageSyncService,
  SyncProgress,
} from '@smartgrid/hybrid-storage';
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

async function run(cmd: CliCommand): Promise<number> {
  const ctx = await NestFactory.createApplicationContext(StorageCliModule.register(), { logger: ['error', 'warn'] });
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
        if (cmd.json) return out.log(JSON.stringify(report, null, 2)), 0;
        for (const t of report.targets) out.log(`${t.target}: ${t.state}, ${t.entries} entries, ${t.rows} rows${t.error ? ` (${t.error})` : ''}`);
        const after = await storage.getBacklogStatus();
        out.log(`backlog now ${after.entries} entries, ${after.rows} rows (${report.durationMs} ms)`);
        return report.targets.some((t) => t.state !== 'drained') ? 1 : 0;
      }
      case 'backfill': {
        const report = await sync.backfill({ ...cmd, onProgress: progressPrinter('backfill') });
        if (cmd.json) return out.log(JSON.stringify(report, null, 2)), 0;
        for (const k of report.kinds) out.log(`${k.kind}: ${k.ids} series, ${k.units} series-days, ${k.rows} rows copied ${cmd.source} -> ${cmd.target}`);
        const secs = report.durationMs / 1000;
        const rows = report.kinds.reduce((n, k) => n + k.rows, 0);
        out.log(`done in ${secs.toFixed(1)} s (${Math.round(rows / Math.max(secs, 0.001))} rows/s)`);
        return 0;
      }
      case 'reconcile': {
        const report = await sync.reconcile({ ...cmd, onProgress: progressPrinter(cmd.repair ? 'repair' : 'reconcile') });
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
