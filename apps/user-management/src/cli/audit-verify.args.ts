import { CliUsageError, cliOptions } from '@smartgrid/bootstrap';
export type CheckpointSource = { kind: 'kafka' } | { kind: 'postgres' } | { kind: 'dump' } | { kind: 'file'; path: string };

export interface VerifyArgs {
  /** PEM / base64 DER text, or a file holding it. */
  publicKey: string;
  chain: { kind: 'dump'; path: string } | { kind: 'postgres' };
  checkpoints: CheckpointSource;
}

export const USAGE = `Usage: npm run audit:verify -- --public-key <key|file> (--dump <file> | --postgres) [--checkpoints kafka|postgres|dump|<file>]

Verifies the audit chain against its signed checkpoints with only the public key: every link
and hash, the recorded head, and each checkpoint whose signature verifies must match its entry
(a chain rewritten in both stores alike cannot). Nothing is written anywhere.

  --public-key    Ed25519 public key: base64 SPKI DER (GET /api/audit-logs/checkpoints → publicKey),
                  a PEM, or a file holding either
  --dump FILE     a plain-format pg_dump (whole database, or -t audit_log -t audit_chain_head -t audit_checkpoints)
  --postgres      the live chain, read in one read-only snapshot (POSTGRES_HOST/PORT/DB/USER/PASSWORD;
                  any role that may SELECT audit_log, audit_chain_head, audit_checkpoints)
  --checkpoints   where the checkpoints come from (default kafka):
                    kafka     the audit-checkpoints topic (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX): outside both databases
                    postgres  the audit_checkpoints table;  dump  its COPY block in --dump
                    FILE      JSON lines, one checkpoint per line (as the API and the topic carry them)

Prints a JSON report on stdout. Exit code: 0 the chain verifies, 2 it does not, 1 usage or read error.`;

export { CliUsageError };

/** Parses `argv` (without node and script); throws CliUsageError naming the bad option. */
export function parseVerifyArgs(argv: readonly string[]): VerifyArgs {
  const { opts, flags } = cliOptions(argv, ['postgres'], ['public-key', 'dump', 'checkpoints']);
  const publicKey = opts.get('public-key');
  if (!publicKey) throw new CliUsageError('--public-key is required');
  const dump = opts.get('dump');
  if ((dump === undefined) === !flags.has('postgres')) throw new CliUsageError('give exactly one of --dump FILE or --postgres');
  const c = opts.get('checkpoints') ?? 'kafka';
  const checkpoints: CheckpointSource = c === 'kafka' || c === 'postgres' || c === 'dump' ? { kind: c } : { kind: 'file', path: c };
  if (checkpoints.kind === 'dump' && dump === undefined) throw new CliUsageError('--checkpoints dump needs --dump');
  return { publicKey, chain: dump !== undefined ? { kind: 'dump', path: dump } : { kind: 'postgres' }, checkpoints };
}
