import { CliUsageError, cliOptions } from '@smartgrid/bootstrap';
import type { SeriesKind, StoreName } from '@smartgrid/hybrid-storage';

export type CliCommand =
  | { name: 'status'; json: boolean }
  | { name: 'replay'; json: boolean }
  | { name: 'backfill'; from: Date; to: Date; source: StoreName; target: StoreName; kinds?: SeriesKind[]; ids?: string[]; json: boolean }
  | { name: 'reconcile'; from: Date; to: Date; repair: boolean; kinds?: SeriesKind[]; ids?: string[]; all: boolean; json: boolean }
  | { name: 'quarantine'; action: 'list'; target?: StoreName; limit: number; json: boolean }
  | { name: 'quarantine'; action: 'show' | 'retry' | 'discard'; id: string; json: boolean }
  | { name: 'dlq'; action: 'list'; topics: string[]; reason?: string; since?: Date; samples: number; json: boolean }
  | { name: 'dlq'; action: 'redrive'; topic: string; reason?: string; since?: Date; dryRun: boolean; json: boolean }
  | { name: 'retention'; json: boolean }
  | { name: 'backup'; to: string; json: boolean }
  | { name: 'restore'; from: string; force: boolean; json: boolean };

export const USAGE = `Usage: npm run storage:cli -- <command> [options]

Commands:
  status                                   replication backlog depth and oldest age, per store
  replay                                   drain the replication backlog now
  backfill  --from T --to T --source S     copy [from, to) from store S into the other store
  reconcile --from T --to T [--repair]     compare both stores per series and UTC day
                                           (counts, checksums, differences); --repair fixes them
  quarantine list [--target S] [--limit N] rows a store refused, set aside (oldest first)
  quarantine show ID                       one entry with its rows
  quarantine retry ID                      write the rows into their store again (audited)
  quarantine discard ID                    drop the entry; its rows go into the audit log (audited)
  dlq list [--topic T] [--reason R] [--since T] [--samples N]
                                           exact dead-letter counts by reason code, with samples
  dlq redrive --topic T [--reason R] [--since T] [--dry-run]
                                           feed dead letters back through validation; those that
                                           pass are stored, the rest stay dead (audited)
  retention                                run the retention job once now (drops what is past
                                           *_RETENTION_DAYS; audited)
  backup --to DIR                          one consistent backup of every store and the consumer
                                           offsets, with a manifest (row counts, checksums)
  restore --from DIR [--force]             restore a backup into empty stores, then rewind the
                                           consumer groups to the recorded offsets (audited)

Options:
  --from, --to     ISO-8601 instants (2026-01-20T00:00:00Z) or dates (2026-01-20 = midnight UTC)
  --source         postgres | cassandra (backfill; --target defaults to the other store)
  --kind           sensor | meter (default: both)
  --ids            comma-separated series ids (default: every id with data in the range)
  --all            reconcile: list every unit, not only those out of sync
  --target         quarantine list: only rows refused by this store
  --limit          quarantine list: entries to show (default 50, at most 1000)
  --topic          dlq: sensor-data.dlq | meter-readings.dlq (list: default both)
  --reason         dlq: a reason code (unknown_field) or the start of a reason (bad_format: timestamp)
  --since          dlq: only dead letters that failed at or after this instant
  --samples        dlq list: samples per reason (default 3, at most 100)
  --dry-run        dlq redrive: validate and count, write nothing
  --force          restore: into stores that are not empty (their data is replaced)
  --json           print the full report as JSON on stdout

Progress goes to stderr. Exit code: 0 ok, 1 error, 2 reconcile found differences it did not repair.`;


const STORES: readonly StoreName[] = ['postgres', 'cassandra'];
const KINDS: readonly SeriesKind[] = ['sensor', 'meter'];

function instant(name: string, v: string | undefined): Date {
  if (v === undefined) throw new CliUsageError(`--${name} is required`);
  const text = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v;
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new CliUsageError(`--${name}: "${v}" is not an ISO-8601 instant`);
  return d;
}

function store(name: string, v: string | undefined): StoreName {
  if (!v || !(STORES as readonly string[]).includes(v)) throw new CliUsageError(`--${name} must be one of ${STORES.join(', ')}`);
  return v as StoreName;
}

export { CliUsageError };

/** Parses `argv` (without node and script); throws CliUsageError naming the bad option. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  if (argv[0] === 'quarantine') return parseQuarantine(argv.slice(1));
  if (argv[0] === 'dlq') return parseDlq(argv.slice(1));
  if (argv[0] === 'retention' || argv[0] === 'backup' || argv[0] === 'restore') return parseOperations(argv[0], argv.slice(1));
  const [name, ...rest] = argv;
  const { opts, flags } = cliOptions(rest, ['repair', 'json', 'all'], ['from', 'to', 'source', 'target', 'kind', 'ids']);
  const kind = opts.get('kind');
  if (kind !== undefined && !(KINDS as readonly string[]).includes(kind)) throw new CliUsageError(`--kind must be one of ${KINDS.join(', ')}`);
  const kinds = kind ? [kind as SeriesKind] : undefined;
  const ids = opts.get('ids')?.split(',').map((s) => s.trim()).filter(Boolean);
  const json = flags.has('json');

  switch (name) {
    case 'status':
    case 'replay':
      return { name, json };
    case 'backfill': {
      const source = store('source', opts.get('source'));
      const target = opts.has('target') ? store('target', opts.get('target')) : STORES.find((s) => s !== source)!;
      if (target === source) throw new CliUsageError('--target must differ from --source');
      const from = instant('from', opts.get('from'));
      const to = instant('to', opts.get('to'));
      if (from >= to) throw new CliUsageError('--from must be before --to');
      return { name, from, to, source, target, ...(kinds ? { kinds } : {}), ...(ids ? { ids } : {}), json };
    }
    case 'reconcile': {
      const from = instant('from', opts.get('from'));
      const to = instant('to', opts.get('to'));
      if (from >= to) throw new CliUsageError('--from must be before --to');
      return { name, from, to, repair: flags.has('repair'), all: flags.has('all'), ...(kinds ? { kinds } : {}), ...(ids ? { ids } : {}), json };
    }
    default:
      throw new CliUsageError(name ? `unknown command "${name}"` : 'a command is required');
  }
}

const QUARANTINE_ID = /^(postgres|cassandra)\.[A-Za-z0-9-]+$/;

function parseQuarantine(argv: readonly string[]): CliCommand {
  const [action, ...rest] = argv;
  const json = rest.includes('--json');
  const args = rest.filter((a) => a !== '--json');
  if (action === 'list') {
    let target: StoreName | undefined;
    let limit = 50;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--target') target = store('target', args[++i]);
      else if (a === '--limit') {
        limit = Number(args[++i]);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliUsageError('--limit must be an integer from 1 to 1000');
      } else throw new CliUsageError(`unexpected argument "${a}"`);
    }
    return { name: 'quarantine', action, limit, json, ...(target ? { target } : {}) };
  }
  if (action === 'show' || action === 'retry' || action === 'discard') {
    const [id, ...extra] = args;
    if (!id || !QUARANTINE_ID.test(id)) throw new CliUsageError(`quarantine ${action} needs an entry id like cassandra.<id> (see quarantine list)`);
    if (extra.length > 0) throw new CliUsageError(`unexpected argument "${extra[0]}"`);
    return { name: 'quarantine', action, id, json };
  }
  throw new CliUsageError(action ? `unknown quarantine action "${action}" (list, show, retry, discard)` : 'quarantine needs an action: list, show, retry or discard');
}

const DLQ_TOPIC_NAMES = ['sensor-data.dlq', 'meter-readings.dlq'];

function dlqTopicArg(v: string): string {
  const t = v.endsWith('.dlq') ? v : `${v}.dlq`;
  if (!DLQ_TOPIC_NAMES.includes(t)) throw new CliUsageError(`--topic must be one of ${DLQ_TOPIC_NAMES.join(', ')}`);
  return t;
}

function parseDlq(argv: readonly string[]): CliCommand {
  const [action, ...rest] = argv;
  if (action !== 'list' && action !== 'redrive') throw new CliUsageError(action ? `unknown dlq action "${action}" (list, redrive)` : 'dlq needs an action: list or redrive');
  const { opts, flags } = cliOptions(rest, action === 'list' ? ['json'] : ['json', 'dry-run'], action === 'list' ? ['topic', 'reason', 'since', 'samples'] : ['topic', 'reason', 'since']);
  const json = flags.has('json');
  const reason = opts.get('reason');
  if (reason !== undefined && reason.trim() === '') throw new CliUsageError('--reason must not be empty');
  const since = opts.has('since') ? instant('since', opts.get('since')) : undefined;
  const common = { ...(reason !== undefined ? { reason } : {}), ...(since ? { since } : {}), json };
  if (action === 'list') {
    const samples = opts.has('samples') ? Number(opts.get('samples')) : 3;
    if (!Number.isInteger(samples) || samples < 0 || samples > 100) throw new CliUsageError('--samples must be an integer from 0 to 100');
    const topics = opts.has('topic') ? [dlqTopicArg(opts.get('topic')!)] : [...DLQ_TOPIC_NAMES];
    return { name: 'dlq', action, topics, samples, ...common };
  }
  if (!opts.has('topic')) throw new CliUsageError('dlq redrive needs --topic (sensor-data.dlq or meter-readings.dlq)');
  return { name: 'dlq', action, topic: dlqTopicArg(opts.get('topic')!), dryRun: flags.has('dry-run'), ...common };
}

function parseOperations(name: 'retention' | 'backup' | 'restore', argv: readonly string[]): CliCommand {
  if (name === 'retention') {
    const { flags } = cliOptions(argv, ['json'], []);
    return { name, json: flags.has('json') };
  }
  if (name === 'backup') {
    const { opts, flags } = cliOptions(argv, ['json'], ['to']);
    const to = opts.get('to');
    if (!to) throw new CliUsageError('backup needs --to DIR');
    return { name, to, json: flags.has('json') };
  }
  const { opts, flags } = cliOptions(argv, ['json', 'force'], ['from']);
  const from = opts.get('from');
  if (!from) throw new CliUsageError('restore needs --from DIR');
  return { name, from, force: flags.has('force'), json: flags.has('json') };
}
