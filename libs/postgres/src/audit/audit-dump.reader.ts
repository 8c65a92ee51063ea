import type { AuditCheckpoint, AuditEntry, ChainHead } from '@smartgrid/audit';
import { AuditCheckpointMapper, AuditCheckpointRow } from './audit-checkpoint.mapper';
import { AuditLogMapper, AuditLogRow } from './audit-log.mapper';

/** What a plain-format pg_dump holds of the audit log. */
export interface AuditDump {
  /** In seq order. */
  entries: AuditEntry[];
  /** The recorded chain head, when the dump has audit_chain_head. */
  head: ChainHead | null;
  checkpoints: AuditCheckpoint[];
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** One field of COPY's text format: `\N` is NULL, backslash escapes as PostgreSQL writes them. */
export function copyField(raw: string): string | null {
  if (raw === '\\N') return null;
  if (!raw.includes('\\')) return raw;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = raw[i + 1] ?? '';
    const octal = /^[0-7]{1,3}/.exec(raw.slice(i + 1, i + 4));
    const hex = next === 'x' ? /^[0-9A-Fa-f]{1,2}/.exec(raw.slice(i + 2, i + 4)) : null;
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += octal[0].length;
    } else if (hex) {
      bytes.push(parseInt(hex[0], 16));
      i += 1 + hex[0].length;
    } else {
      bytes.push(...Buffer.from(ESCAPES[next] ?? next, 'utf8'));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A timestamptz as PostgreSQL prints it with DateStyle ISO (`2026-11-30 07:20:36.123+00`). */
export function pgTimestamp(text: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(text);
  if (!m) throw new Error(`not a timestamptz: "${text}"`);
  const d = new Date(`${m[1]}T${m[2]}${m[3]}:${m[4] ?? '00'}`);
  if (Number.isNaN(d.getTime())) throw new Error(`not a timestamptz: "${text}"`);
  return d;
}

/** The rows of `COPY <table> (...) FROM stdin;` blocks, each as column → text. */
function copyBlocks(dump: string): Map<string, Record<string, string | null>[]> {
  const out = new Map<string, Record<string, string | null>[]>();
  const lines = dump.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^COPY (?:"?public"?\.)?"?([a-z_]+)"? \(([^)]*)\) FROM stdin;$/.exec(lines[i]);
    if (!m) continue;
    const columns = m[2].split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const rows: Record<string, string | null>[] = [];
    for (i += 1; i < lines.length && lines[i] !== '\\.'; i++) {
      const fields = lines[i].split('\t');
      if (fields.length !== columns.length) throw new Error(`${m[1]}: a row has ${fields.length} fields, the COPY header names ${columns.length}`);
      rows.push(Object.fromEntries(columns.map((c, k) => [c, copyField(fields[k])])));
    }
    out.set(m[1], rows);
  }
  return out;
}

function required(row: Record<string, string | null>, column: string, table: string): string {
  const v = row[column];
  if (v === null || v === undefined) throw new Error(`${table}.${column} is missing in the dump`);
  return v;
}

/**
 * Reads the audit log from a plain-format pg_dump (`pg_dump -Fp`, whole database or
 * `-t audit_log -t audit_chain_head -t audit_checkpoints`) through the same row mappers as
 * the live store, for verification without a database.
 */
export function readAuditDump(dump: string): AuditDump {
  const blocks = copyBlocks(dump);
  const logRows = blocks.get('audit_log');
  if (!logRows) throw new Error('the dump has no COPY block for audit_log (plain format, data included?)');
  const entries = logRows
    .map((r): AuditLogRow => ({
      seq: required(r, 'seq', 'audit_log'),
      id: required(r, 'id', 'audit_log'),
      occurred_at: pgTimestamp(required(r, 'occurred_at', 'audit_log')),
      recorded_at: pgTimestamp(required(r, 'recorded_at', 'audit_log')),
      actor: required(r, 'actor', 'audit_log'),
      action: required(r, 'action', 'audit_log'),
      resource: required(r, 'resource', 'audit_log'),
      origin: required(r, 'origin', 'audit_log'),
      request_id: r.request_id ?? null,
      client_address: r.client_address ?? null,
      details: JSON.parse(required(r, 'details', 'audit_log')) as Record<string, unknown>,
      prev_hash: required(r, 'prev_hash', 'audit_log'),
      hash: required(r, 'hash', 'audit_log'),
    }))
    .map(AuditLogMapper.toDomain)
    .sort((a, b) => a.seq - b.seq);
  const headRow = blocks.get('audit_chain_head')?.[0];
  const head = headRow ? { lastSeq: Number(required(headRow, 'last_seq', 'audit_chain_head')), lastHash: required(headRow, 'last_hash', 'audit_chain_head') } : null;
  const checkpoints = (blocks.get('audit_checkpoints') ?? [])
    .map((r): AuditCheckpointRow & { id: number } => ({
      id: Number(required(r, 'id', 'audit_checkpoints')),
      seq: required(r, 'seq', 'audit_checkpoints'),
      hash: required(r, 'hash', 'audit_checkpoints'),
      signed_at: pgTimestamp(required(r, 'signed_at', 'audit_checkpoints')),
      key_id: required(r, 'key_id', 'audit_checkpoints'),
      algorithm: required(r, 'algorithm', 'audit_checkpoints'),
      signature: required(r, 'signature', 'audit_checkpoints'),
    }))
    .sort((a, b) => a.id - b.id)
    .map(AuditCheckpointMapper.toDomain);
  return { entries, head, checkpoints };
}
