import { getConnectionToken } from '@nestjs/mongoose';
import { isServerUp, startServer, stopServer, waitFor } from '@smartgrid/testing';
import mongoose from 'mongoose';
import { Harness, startHarness } from './support/user-management.harness';

/**
 * Fault test on real servers: user-management started while FerretDB (MongoDB) is stopped.
 * MongoDB only holds the audit copy, so the app must start, serve, and report itself ready
 * but degraded; once FerretDB is back, the copy must catch up by itself, every entry once.
 * With USE_MONGODB_AUDIT=false the app must not even try to reach MongoDB.
 */
describe('user-management started while MongoDB is stopped (real servers)', () => {
  beforeAll(() => {
    if (isServerUp('ferretdb')) stopServer('ferretdb');
  });
  afterAll(() => {
    if (!isServerUp('ferretdb')) startServer('ferretdb');
  });

  describe('with USE_MONGODB_AUDIT=false', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ USE_MONGODB_AUDIT: 'false' });
    });
    afterAll(async () => {
      // The test stack's cleanup drops the test's MongoDB database, so FerretDB must be up.
      if (!isServerUp('ferretdb')) startServer('ferretdb');
      await h?.close();
      stopServer('ferretdb');
    });

    it('opens no MongoDB connection and is ready without probing it', async () => {
      expect(() => h.app.get(getConnectionToken(), { strict: false })).toThrow();
      const ready = await h.http().get('/health/ready').expect(200);
      expect(ready.body.status).toBe('ok');
      expect(Object.keys(ready.body.details).sort()).toEqual(['kafka', 'postgres']);
      const admin = await h.adminToken();
      const page = await h.http().get('/api/audit-logs').set('Authorization', `Bearer ${admin}`).expect(200);
      expect(page.body.source).toBe('postgres');
      expect(page.body.items.every((i: { source: string }) => i.source === 'postgres')).toBe(true);
    });
  });

  describe('with the MongoDB copy on', () => {
    let h: Harness;
    let mongo: mongoose.Connection | undefined;
    beforeAll(async () => {
      expect(isServerUp('ferretdb')).toBe(false);
      h = await startHarness();
    });
    afterAll(async () => {
      if (!isServerUp('ferretdb')) startServer('ferretdb');
      await mongo?.close().catch(() => undefined);
      await h?.close();
    });

    const pgCount = async () => Number((await h.pg.query('SELECT count(*) AS n FROM audit_log')).rows[0].n);
    const backlog = async () => Number((await h.pg.query('SELECT count(*) AS n FROM audit_mongo_backlog')).rows[0].n);

    it('starts and reports ready but degraded, naming mongodb', async () => {
      const ready = await h.http().get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('degraded');
      expect(ready.body.details.mongodb).toMatchObject({ status: 'degraded', optional: true });
      expect(ready.body.details.postgres.status).toBe('up');
      expect(ready.body.details.kafka.status).toBe('up');
    });

    it('logs in and creates a user, both recorded in the PostgreSQL audit log', async () => {
      const admin = await h.adminToken();
      const user = await h.userWithRole('operator'); // POST /api/users, then a login as that user
      const entries = (
        await h.pg.query('SELECT action, actor, resource FROM audit_log WHERE action IN ($1, $2) ORDER BY seq', ['user.created', 'auth.login'])
      ).rows as { action: string; actor: string; resource: string }[];
      expect(entries).toEqual(
        expect.arrayContaining([
          { action: 'auth.login', actor: 'root.admin', resource: expect.stringMatching(/^user:/) },
          { action: 'user.created', actor: 'root.admin', resource: `user:${user.id}` },
          { action: 'auth.login', actor: user.username, resource: `user:${user.id}` },
        ]),
      );
      expect(admin).toEqual(expect.any(String));
      // Not copied yet: every entry is waiting in the backlog.
      expect(await backlog()).toBe(await pgCount());
      const page = await h.http().get('/api/audit-logs?limit=5').set('Authorization', `Bearer ${admin}`).expect(200);
      expect(page.body.source).toBe('postgres');
    });

    it('copies every entry to MongoDB exactly once after FerretDB starts', async () => {
      startServer('ferretdb');
      // No flush from the test: the app reconnects and drains the backlog by itself.
      await waitFor(async () => (await backlog()) === 0, 90_000, 500, 'audit backlog drained');

      const e = h.stack.env;
      mongo = await mongoose
        .createConnection(`mongodb://${e.MONGODB_HOST}:${e.MONGODB_PORT}/${e.MONGODB_DB}`, { directConnection: true, serverSelectionTimeoutMS: 5000 })
        .asPromise();
      const n = await pgCount();
      const pgRows = (await h.pg.query('SELECT seq::int AS seq, id::text AS id, hash FROM audit_log ORDER BY seq')).rows as { seq: number; id: string; hash: string }[];
      const docs = await mongo.collection('audit_log').find({}, { projection: { _id: 1, seq: 1, hash: 1 } }).sort({ seq: 1 }).toArray();
      expect(docs.map((d) => ({ seq: d.seq, id: d._id, hash: d.hash }))).toEqual(pgRows);
      expect(new Set(docs.map((d) => String(d._id))).size).toBe(n);

      await waitFor(async () => (await h.http().get('/health/ready')).body.status === 'ok', 30_000, 500, 'ready (ok) again');
      const admin = await h.adminToken();
      const report = (await h.http().get('/api/audit-logs/verify').set('Authorization', `Bearer ${admin}`).expect(200)).body;
      expect(report).toMatchObject({ valid: true, entries: n, mirror: { status: 'consistent' } });
    });
  });
});
