import { CassandraBacklogStore } from '@smartgrid/cassandra';
import request from 'supertest';
import { readAuditEvents } from './support/audit-events';
import { Harness, startHarness } from './support/harness';

/**
 * The quarantine through the API: a row PostgreSQL refuses (injected into the backlog held
 * for it, since validation would never let it in) is set aside by a replay; viewers see it,
 * only admins retry or discard it, and every one of those actions is on `audit-events`.
 */
describe('quarantine API (real servers)', () => {
  let h: Harness;
  let id: string;
  const auth = (role: 'viewer' | 'operator' | 'admin') => ({ Authorization: `Bearer ${h.tokens[role]}` });

  beforeAll(async () => {
    h = await startHarness();
    await h.app.get(CassandraBacklogStore).append([
      {
        kind: 'meter',
        target: 'postgres',
        reason: 'test',
        rows: [
          { meterId: 'QA-1', customerId: 'C-\u0000', timestamp: new Date(Date.now() - 60_000), energyKwh: 5, writtenAtUs: Date.now() * 1000 },
          { meterId: 'QA-2', customerId: 'C-ok', timestamp: new Date(Date.now() - 60_000), energyKwh: 6, writtenAtUs: Date.now() * 1000 },
        ],
      },
    ]);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('a replay (operator) sets the refused row aside and delivers the other', async () => {
    const res = await request(h.baseUrl).post('/api/storage/replay').set(auth('operator')).expect(200);
    expect(res.body.targets.find((t: { target: string }) => t.target === 'postgres')).toMatchObject({ state: 'drained', entries: 1, rows: 1, quarantinedRows: 1 });
    expect(await h.sql("SELECT meter_id FROM meter_readings WHERE meter_id LIKE 'QA-%'")).toEqual([{ meter_id: 'QA-2' }]);
  });

  it('viewers list and inspect it; the status and the metrics count it', async () => {
    const list = await request(h.baseUrl).get('/api/storage/quarantine').set(auth('viewer')).expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ target: 'postgres', heldIn: 'cassandra', kind: 'meter', rowCount: 1, sample: [{ id: 'QA-1' }] });
    expect(list.body.nextCursor).toBeNull();
    id = list.body.items[0].id as string;
    const one = await request(h.baseUrl).get(`/api/storage/quarantine/${id}`).set(auth('viewer')).expect(200);
    expect(one.body.rows).toEqual([expect.objectContaining({ meterId: 'QA-1', customerId: 'C-\u0000' })]);
    const status = await request(h.baseUrl).get('/api/storage/status').set(auth('viewer')).expect(200);
    expect(status.body.quarantine).toMatchObject({ entries: 1, rows: 1, targets: { postgres: { entries: 1 } } });
    const metrics = await request(h.baseUrl).get('/metrics').expect(200);
    expect(metrics.text).toContain('smartgrid_storage_quarantine_entries{target="postgres"} 1');
  });

  it('refuses bad ids (400 naming the field), unknown ids (404), and non-admins (403)', async () => {
    const bad = await request(h.baseUrl).post('/api/storage/quarantine/nonsense/retry').set(auth('admin')).expect(400);
    expect(JSON.stringify(bad.body.fields)).toContain('id');
    await request(h.baseUrl).post('/api/storage/quarantine/postgres.999999/discard').set(auth('admin')).expect(404);
    await request(h.baseUrl).post(`/api/storage/quarantine/${id}/retry`).set(auth('operator')).expect(403);
    await request(h.baseUrl).post(`/api/storage/quarantine/${id}/discard`).set(auth('viewer')).expect(403);
    await request(h.baseUrl).get('/api/storage/quarantine?limit=0').set(auth('viewer')).expect(400);
  });

  it('an admin retries (still refused, kept) and discards (gone); each action is audited', async () => {
    const retry = await request(h.baseUrl).post(`/api/storage/quarantine/${id}/retry`).set(auth('admin')).expect(200);
    expect(retry.body).toMatchObject({ state: 'refused', refusedRows: 1, item: { retries: 1 } });
    await request(h.baseUrl).post(`/api/storage/quarantine/${id}/discard`).set(auth('admin')).expect(200);
    expect((await request(h.baseUrl).get('/api/storage/quarantine').set(auth('viewer')).expect(200)).body.items).toEqual([]);

    const seen = await readAuditEvents(h, (events) => events.length >= 3, 'three audit events');
    // Keyed by resource, so spread over partitions: compare without order.
    expect(seen.map((e) => `${e.actor} ${e.action}`).sort()).toEqual(['admin-user storage.quarantine.discard', 'admin-user storage.quarantine.retry', 'operator-user storage.replay']);
    const discard = seen.find((e) => e.action === 'storage.quarantine.discard')!;
    expect(discard.resource).toBe(`storage/quarantine/${id}`);
    expect(discard.metadata).toMatchObject({ target: 'postgres', rowCount: 1, rows: [expect.objectContaining({ meterId: 'QA-1' })] });
  });
});
