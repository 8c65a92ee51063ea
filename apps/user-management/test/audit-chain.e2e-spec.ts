import { AUDIT_LOG_STORE, AuditEntry, AuditLogStore, entryHash, GENESIS_HASH } from '@smartgrid/audit';
import { AuditService } from '../src/audit/audit.service';
import { Harness, startHarness } from './support/user-management.harness';

const INSERT = `INSERT INTO audit_log (seq, id, occurred_at, recorded_at, actor, action, resource, origin, request_id, client_address, details, prev_hash, hash)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`;
const params = (e: AuditEntry) => [e.seq, e.id, e.occurredAt, e.recordedAt, e.actor, e.action, e.resource, e.origin, e.requestId, e.clientAddress, JSON.stringify(e.details), e.prevHash, e.hash];

describe('hash-chained audit log in PostgreSQL (real servers)', () => {
  let h: Harness;
  let admin: string;

  beforeAll(async () => {
    h = await startHarness();
    admin = await h.adminToken();
    for (let i = 0; i < 4; i++) await h.userWithRole('viewer');
    await h.flushMirror();
  });
  afterAll(async () => {
    await h?.close();
  });

  const verify = async () => (await h.http().get('/api/audit-logs/verify').set('Authorization', `Bearer ${admin}`).expect(200)).body;
  /** The stored entry at `seq`, read back through the app's own store adapter (tampered or not). */
  const row = async (seq: number): Promise<AuditEntry> => {
    const [entry] = await h.app.get<AuditLogStore>(AUDIT_LOG_STORE).find({ fromSeq: seq, beforeSeq: seq + 1, limit: 1 });
    if (!entry) throw new Error(`no audit entry ${seq}`);
    return entry;
  };
  const count = async () => Number((await h.pg.query('SELECT count(*) AS n FROM audit_log')).rows[0].n);

  /** Runs statements as a superuser with every user trigger off, as an attacker with full access would. */
  const asSuperuser = async (fn: () => Promise<unknown>) => {
    await h.pg.query('BEGIN');
    await h.pg.query('SET LOCAL session_replication_role = replica');
    try {
      await fn();
      await h.pg.query('COMMIT');
    } catch (e) {
      await h.pg.query('ROLLBACK');
      throw e;
    }
  };

  it('verifies an untouched chain', async () => {
    const report = await verify();
    expect(report).toMatchObject({ valid: true, firstBroken: null, mirror: { status: 'consistent' } });
    expect(report.entries).toBe(await count());
    expect(report.entries).toBeGreaterThanOrEqual(10);
    expect(report.headSeq).toBe(report.entries);
    const first = await row(1);
    expect(first.prevHash).toBe(GENESIS_HASH);
  });

  describe('the database refuses changes', () => {
    it.each([
      ['UPDATE', `UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`],
      ['DELETE', 'DELETE FROM audit_log WHERE seq = 2'],
      ['TRUNCATE', 'TRUNCATE audit_log'],
      ['UPDATE of the chain head', 'UPDATE audit_chain_head SET last_seq = 1'],
      ['DELETE of the chain head', 'DELETE FROM audit_chain_head'],
    ])('%s', async (_what, sql) => {
      await expect(h.pg.query(sql)).rejects.toThrow(/append-only|refused/);
    });

    it('an INSERT that does not extend the chain head', async () => {
      const last = await row(await count());
      const forged = { ...last, seq: last.seq + 1, id: '00000000-0000-4000-8000-000000000001', prevHash: GENESIS_HASH };
      await expect(h.pg.query(INSERT, params({ ...forged, hash: entryHash(forged.prevHash, forged) }))).rejects.toThrow(/does not extend the chain head/);
      const gap = { ...last, seq: last.seq + 5, id: '00000000-0000-4000-8000-000000000002', prevHash: last.hash };
      await expect(h.pg.query(INSERT, params({ ...gap, hash: entryHash(gap.prevHash, gap) }))).rejects.toThrow(/does not extend the chain head/);
    });
  });

  describe('tampering by a superuser with the triggers off is detected', () => {
    /** Moves every row after `seq` by `by` places, in two steps through a free range so the primary key never collides mid-update. */
    const renumberAfter = async (seq: number, by: number) => {
      await h.pg.query('UPDATE audit_log SET seq = seq + 1000000 WHERE seq > $1', [seq]);
      await h.pg.query('UPDATE audit_log SET seq = seq - 1000000 + $1 WHERE seq > 1000000', [by]);
    };
    /** Swaps the places of rows `a` and `b` (through a free one); swapping again restores them. */
    const swapRows = async (a: number, b: number) => {
      await h.pg.query('UPDATE audit_log SET seq = 999999 WHERE seq = $1', [a]);
      await h.pg.query('UPDATE audit_log SET seq = $1 WHERE seq = $2', [a, b]);
      await h.pg.query('UPDATE audit_log SET seq = $1 WHERE seq = 999999', [b]);
    };

    afterEach(async () => {
      // Each case restores the original rows; the chain must verify again.
      expect((await verify()).valid).toBe(true);
    });

    it('a modified row', async () => {
      const original = await row(3);
      // This time with the table's triggers switched off outright.
      await h.pg.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
      try {
        await h.pg.query(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`);
      } finally {
        await h.pg.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
      }
      const report = await verify();
      expect(report).toMatchObject({ valid: false, firstBroken: { seq: 3, reason: 'hash_mismatch' } });
      expect(report.firstBroken.message).toMatch(/modified/);
      await asSuperuser(() => h.pg.query('UPDATE audit_log SET actor = $1 WHERE seq = 3', [original.actor]));
    });

    it('a modified row whose hash was recomputed', async () => {
      const original = await row(3);
      const forged = { ...original, details: { ...original.details, role: 'admin' } };
      const forgedHash = entryHash(forged.prevHash, forged);
      await asSuperuser(() => h.pg.query('UPDATE audit_log SET details = $1, hash = $2 WHERE seq = 3', [JSON.stringify(forged.details), forgedHash]));
      expect(await verify()).toMatchObject({ valid: false, firstBroken: { seq: 4, reason: 'prev_hash_mismatch' } });
      await asSuperuser(() => h.pg.query('UPDATE audit_log SET details = $1, hash = $2 WHERE seq = 3', [JSON.stringify(original.details), original.hash]));
    });

    it('a deleted row', async () => {
      const original = await row(4);
      await asSuperuser(() => h.pg.query('DELETE FROM audit_log WHERE seq = 4'));
      const report = await verify();
      expect(report).toMatchObject({ valid: false, firstBroken: { seq: 5, reason: 'sequence_gap' } });
      expect(report.firstBroken.message).toMatch(/missing/);
      await asSuperuser(() => h.pg.query(INSERT, params(original)));
    });

    it('the last row deleted', async () => {
      const last = await row(await count());
      await asSuperuser(() => h.pg.query('DELETE FROM audit_log WHERE seq = $1', [last.seq]));
      expect(await verify()).toMatchObject({ valid: false, firstBroken: { seq: last.seq - 1, reason: 'head_mismatch' } });
      await asSuperuser(() => h.pg.query(INSERT, params(last)));
    });

    it('an inserted row, linked and hashed like a real one, after the last', async () => {
      const last = await row(await count());
      const body = { ...last, seq: last.seq + 1, id: '00000000-0000-4000-8000-00000000000a', actor: 'mallory', prevHash: last.hash };
      await asSuperuser(() => h.pg.query(INSERT, params({ ...body, hash: entryHash(body.prevHash, body) })));
      expect(await verify()).toMatchObject({ valid: false, firstBroken: { reason: 'head_mismatch' } });
      await asSuperuser(() => h.pg.query('DELETE FROM audit_log WHERE seq = $1', [body.seq]));
    });

    it('an inserted row in the middle (later rows renumbered)', async () => {
      const before = await row(5);
      await asSuperuser(async () => {
        await renumberAfter(5, 1);
        const body = { ...before, seq: 6, id: '00000000-0000-4000-8000-00000000000b', actor: 'mallory', prevHash: before.hash };
        await h.pg.query(INSERT, params({ ...body, hash: entryHash(body.prevHash, body) }));
      });
      expect(await verify()).toMatchObject({ valid: false, firstBroken: { seq: 7, reason: 'prev_hash_mismatch' } });
      await asSuperuser(async () => {
        await h.pg.query('DELETE FROM audit_log WHERE seq = 6');
        await renumberAfter(6, -1);
      });
    });

    it('reordered rows', async () => {
      await asSuperuser(() => swapRows(6, 7));
      expect(await verify()).toMatchObject({ valid: false, firstBroken: { seq: 6, reason: 'prev_hash_mismatch' } });
      await asSuperuser(() => swapRows(6, 7));
    });

    it('a chain rewritten from a row to the end (hashes and head recomputed), against the MongoDB copy', async () => {
      const n = await count();
      const originals: AuditEntry[] = [];
      for (let s = 3; s <= n; s++) originals.push(await row(s));
      let prev = (await row(2)).hash;
      const rewritten = originals.map((e) => {
        const body = { ...e, prevHash: prev, actor: e.seq === 3 ? 'mallory' : e.actor };
        const hash = entryHash(body.prevHash, body);
        prev = hash;
        return { ...body, hash };
      });
      const rewrite = async (rows: AuditEntry[]) =>
        asSuperuser(async () => {
          for (const r of rows) await h.pg.query('UPDATE audit_log SET actor = $2, prev_hash = $3, hash = $4 WHERE seq = $1', [r.seq, r.actor, r.prevHash, r.hash]);
          const last = rows[rows.length - 1];
          await h.pg.query('UPDATE audit_chain_head SET last_hash = $1', [last.hash]);
        });
      await rewrite(rewritten);
      const report = await verify();
      expect(report).toMatchObject({ valid: false, firstBroken: { reason: 'anchor_mismatch' }, mirror: { status: 'inconsistent' } });
      await rewrite(originals);
    });
  });

  it('keeps the sequence gapless and the chain intact under concurrent writers', async () => {
    const audit = h.app.get(AuditService);
    const before = await count();
    // 40 writers at once through the API (failed logins each append an entry) plus 40 direct.
    await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => h.http().post('/api/auth/login').send({ username: `nobody.${i}`, password: 'Wrong-password-1' })),
      ...Array.from({ length: 40 }, (_, i) => audit.record({ actor: 'load', action: 'test.concurrent', resource: `r:${i}`, origin: 'system', details: { i } })),
    ]);
    const after = await count();
    expect(after).toBe(before + 80);
    const { rows } = await h.pg.query('SELECT min(seq)::int AS lo, max(seq)::int AS hi, count(DISTINCT seq)::int AS n FROM audit_log');
    expect(rows[0]).toEqual({ lo: 1, hi: after, n: after });
    expect(await verify()).toMatchObject({ valid: true, entries: after });
  });
});
