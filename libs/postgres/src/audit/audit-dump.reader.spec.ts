import { extendChain, GENESIS_HASH, verifyEntries } from '@smartgrid/audit';
import { copyField, pgTimestamp, readAuditDump } from './audit-dump.reader';
import { AUDIT_LOG_COLUMNS, AuditLogMapper } from './audit-log.mapper';

/** COPY text format as PostgreSQL writes it. */
function copyText(v: unknown): string {
  if (v === null) return '\\N';
  const s = v instanceof Date ? v.toISOString().replace('T', ' ').replace('Z', '+00') : typeof v === 'string' ? v : String(v);
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

describe('readAuditDump', () => {
  it('unescapes COPY fields and reads PostgreSQL timestamps', () => {
    expect(copyField('\\N')).toBeNull();
    expect(copyField('a\\tb\\nc\\\\d\\\\N')).toBe('a\tb\nc\\d\\N');
    expect(copyField('\\303\\251')).toBe('é');
    expect(pgTimestamp('2026-11-30 07:20:36.123+00').toISOString()).toBe('2026-11-30T07:20:36.123Z');
    expect(pgTimestamp('2026-11-30 08:50:36+01:30').toISOString()).toBe('2026-11-30T07:20:36.000Z');
  });

  it('reads the chain back exactly (hashes verify), whatever the details hold, in seq order', async () => {
    const entries = extendChain(
      { lastSeq: 0, lastHash: GENESIS_HASH },
      [
        { actor: 'alice', action: 'x', resource: 'r', origin: 'api', details: { note: 'tab\there\nnew line \\ backslash', ü: ['é', 1.5, null, true] } },
        { actor: 'bob', action: 'y', resource: 'r', origin: 'kafka', requestId: 'kafka:t/0/1', clientAddress: null, details: {} },
        { actor: 'carol', action: 'z', resource: 'r', origin: 'system', details: { nested: { deep: { n: -0.25 } } } },
      ],
      new Date('2026-11-30T07:20:36.120Z'),
    );
    const rows = entries.map((e) => AuditLogMapper.toPersistence(e).map(copyText).join('\t'));
    const dump = [
      '-- PostgreSQL database dump',
      `COPY public.audit_log (${AUDIT_LOG_COLUMNS}) FROM stdin;`,
      rows[2],
      rows[0],
      rows[1],
      '\\.',
      'COPY public.audit_chain_head (singleton, last_seq, last_hash) FROM stdin;',
      `t\t3\t${entries[2].hash}`,
      '\\.',
    ].join('\n');
    const read = readAuditDump(dump);
    expect(read.entries).toEqual(entries);
    expect(read.head).toEqual({ lastSeq: 3, lastHash: entries[2].hash });
    expect((await verifyEntries([read.entries], { head: read.head ?? undefined })).broken).toBeNull();
  });

  it('says what is missing', () => {
    expect(() => readAuditDump('SELECT 1;')).toThrow(/no COPY block for audit_log/);
  });
});
