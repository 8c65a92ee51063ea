import { isServerUp, startServer, stopServer, waitFor } from '@smartgrid/testing';
import mongoose from 'mongoose';
import { Harness, startHarness } from './support/user-management.harness';

/**
 * Fault test: FerretDB (MongoDB) is stopped for real while the service keeps working, then
 * started again; the backlog must fill MongoDB with every entry exactly once.
 */
describe('audit log in MongoDB, with MongoDB stopped and started (real servers)', () => {
  let h: Harness;
  let admin: string;
  let mongo: mongoose.Connection;

  beforeAll(async () => {
    if (!isServerUp('ferretdb')) startServer('ferretdb');
    h = await startHarness();
    admin = await h.adminToken();
    const e = h.stack.env;
    mongo = await mongoose.createConnection(`mongodb://${e.MONGODB_HOST}:${e.MONGODB_PORT}/${e.MONGODB_DB}`, { directConnection: true, serverSelectionTimeoutMS: 5000 }).asPromise();
  });
  afterAll(async () => {
    if (!isServerUp('ferretdb')) startServer('ferretdb');
    await mongo?.close().catch(() => undefined);
    await h?.close();
  });

  const get = (path: string) => h.http().get(path).set('Authorization', `Bearer ${admin}`);
  const pgCount = async () => Number((await h.pg.query('SELECT count(*) AS n FROM audit_log')).rows[0].n);
  const backlog = async () => Number((await h.pg.query('SELECT count(*) AS n FROM audit_mongo_backlog')).rows[0].n);
  const docs = () => mongo.collection('audit_log');

  it('copies entries to MongoDB and serves queries from there, indexed', async () => {
    const u = await h.userWithRole('operator');
    await h.http().patch(`/api/users/${u.id}`).set('Authorization', `Bearer ${admin}`).send({ role: 'admin' }).expect(200);
    await h.flushMirror();
    expect(await backlog()).toBe(0);
    expect(await docs().countDocuments()).toBe(await pgCount());

    const res = await get('/api/audit-logs?metaPath=changes.role.to&metaValue=admin').expect(200);
    expect(res.body.source).toBe('mongodb');
    expect(res.body.items).toEqual([expect.objectContaining({ action: 'user.role_changed', resource: `user:${u.id}`, source: 'mongodb' })]);

    const byActor = await get(`/api/audit-logs?actor=${u.username}&action=auth.login`).expect(200);
    expect(byActor.body.items.length).toBe(1);
    expect(byActor.body.items[0].source).toBe('mongodb');

    const indexes = (await docs().indexes()).map((i) => i.name);
    expect(indexes).toEqual(expect.arrayContaining(['audit_seq_unique', 'audit_actor_time', 'audit_action_time', 'audit_resource_time', 'audit_time']));
  });

  it('keeps working while MongoDB is down, answering from PostgreSQL', async () => {
    stopServer('ferretdb');
    const before = await pgCount();

    const users = [];
    for (let i = 0; i < 3; i++) users.push(await h.userWithRole('viewer')); // create + login each
    await h.http().patch(`/api/users/${users[0].id}`).set('Authorization', `Bearer ${admin}`).send({ role: 'operator' }).expect(200);
    await h.http().patch(`/api/users/${users[1].id}`).set('Authorization', `Bearer ${admin}`).send({ disabled: true }).expect(200);
    await h.http().delete(`/api/users/${users[2].id}`).set('Authorization', `Bearer ${admin}`).expect(204);
    await h.http().post('/api/auth/login').send({ username: users[0].username, password: 'Not-the-password-1' }).expect(401);
    expect(await pgCount()).toBe(before + 10);
    expect(await backlog()).toBeGreaterThanOrEqual(10);

    const res = await get('/api/audit-logs?limit=5').expect(200);
    expect(res.body.source).toBe('postgres');
    expect(res.body.items.every((i: { source: string }) => i.source === 'postgres')).toBe(true);
    await get('/api/audit-logs?source=mongodb').expect(503);

    const report = (await get('/api/audit-logs/verify').expect(200)).body;
    expect(report).toMatchObject({ valid: true, mirror: { status: 'unavailable' } });

    // MongoDB only mirrors the audit log: the instance stays in service, degraded, naming it.
    const ready = await h.http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.details.mongodb).toMatchObject({ status: 'degraded', optional: true });
  });

  it('fills MongoDB from the backlog once it is back, every entry exactly once', async () => {
    startServer('ferretdb');
    await waitFor(async () => (await backlog()) === 0, 90_000, 500, 'audit backlog drained');

    const n = await pgCount();
    expect(await docs().countDocuments()).toBe(n);
    const pgRows = (await h.pg.query('SELECT seq::int AS seq, id::text AS id, hash FROM audit_log ORDER BY seq')).rows as { seq: number; id: string; hash: string }[];
    const mongoRows = await docs().find({}, { projection: { _id: 1, seq: 1, hash: 1 } }).sort({ seq: 1 }).toArray();
    expect(mongoRows.map((d) => ({ seq: d.seq, id: d._id, hash: d.hash }))).toEqual(pgRows);
    expect(new Set(mongoRows.map((d) => String(d._id))).size).toBe(n);

    // Copying the same entries again (a retry after a lost acknowledgement) adds nothing.
    await h.pg.query('INSERT INTO audit_mongo_backlog (seq) SELECT seq FROM audit_log');
    await h.flushMirror();
    expect(await backlog()).toBe(0);
    expect(await docs().countDocuments()).toBe(n);

    const res = await get('/api/audit-logs?action=user.deleted').expect(200);
    expect(res.body.source).toBe('mongodb');
    expect(res.body.items).toHaveLength(1);
    await waitFor(async () => (await h.http().get('/health/ready')).body.status === 'ok', 30_000, 500, 'ready (ok) again');
    expect((await get('/api/audit-logs/verify').expect(200)).body).toMatchObject({ valid: true, mirror: { status: 'consistent' } });
  });

  it('pages through mixed results: the tail from PostgreSQL, the rest from MongoDB', async () => {
    // Hold back the newest entries from the mirror by queueing them by hand (as if MongoDB lagged).
    const n = await pgCount();
    await h.pg.query('INSERT INTO audit_mongo_backlog (seq) VALUES ($1), ($2)', [n - 1, n]);
    await docs().deleteMany({ seq: { $gte: n - 1 } });
    const page = await get('/api/audit-logs?source=auto&limit=4').expect(200);
    expect(page.body.items.map((i: { seq: number; source: string }) => [i.seq, i.source])).toEqual([
      [n, 'postgres'],
      [n - 1, 'postgres'],
      [n - 2, 'mongodb'],
      [n - 3, 'mongodb'],
    ]);
    expect(page.body.source).toBe('mixed');
    const next = await get(`/api/audit-logs?limit=4&cursor=${page.body.nextCursor}`).expect(200);
    expect(next.body.items[0].seq).toBe(n - 4);
    await h.flushMirror();
    expect(await docs().countDocuments()).toBe(n);
  });
});
