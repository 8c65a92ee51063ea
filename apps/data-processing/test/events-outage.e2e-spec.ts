import { CassandraEventHistoryStore } from '@smartgrid/cassandra';
import type { EventHistoryStore } from '@smartgrid/events';
import { MongoEventHistoryStore } from '@smartgrid/mongo';
import { restoreServersThen, startServer, stopServer, waitFor } from '@smartgrid/testing';
import request from 'supertest';
import { caughtUp, GridEventsTap, tapGridEvents } from './support/grid-events';
import { Harness, json, startHarness } from './support/harness';
import { sensorMessage } from './support/malformed-corpus';

/**
 * The event history under the hybrid storage rules, with the real servers stopped: while
 * MongoDB (FerretDB) or Cassandra is down, events are recorded in PostgreSQL's ledger, written
 * to the other history store and to grid-events, and wait in the delivery backlog for the
 * missing store; once it is back the backlog drains by itself and both stores hold the same
 * events. Nothing is lost, nothing is doubled.
 */
describe('event history while a store is stopped (real servers)', () => {
  let h: Harness;
  let tap: GridEventsTap;
  const SENSOR = 'S-EVO-1';
  const t0 = Math.ceil(Date.now() / 60_000) * 60_000 + 120_000;
  let next = 0;
  const window = { from: new Date(t0 - 60_000), to: new Date(t0 + 86_400_000) };

  const pending = async (target: string): Promise<number> =>
    Number((await h.sql<{ n: string }>("SELECT count(*) AS n FROM grid_event_deliveries WHERE target = $1 AND state = 'pending'", [target]))[0]!.n);
  const ledgerIds = async (): Promise<string[]> =>
    (await h.sql<{ event_id: string }>('SELECT event_id FROM grid_events WHERE source_id = $1 ORDER BY event_id', [SENSOR])).map((r) => r.event_id);
  const idsIn = async (store: EventHistoryStore): Promise<string[]> =>
    (await store.query({ sourceId: SENSOR, ...window, limit: 500 })).map((e) => e.eventId).sort();
  /** One episode: a reading over the threshold raises, the next under it clears (no durations). */
  const episode = async (): Promise<void> => {
    const s = next;
    next += 3;
    await h.produce(
      'sensor-data',
      [[s, 260], [s + 1, 240], [s + 2, 240]].map(([sec, v]) => ({ key: SENSOR, value: json(sensorMessage(SENSOR, new Date(t0 + sec! * 1000).toISOString(), v!)) })),
    );
    await waitFor(() => caughtUp(h.kafka, `${h.stack.env.KAFKA_TOPIC_PREFIX}smartgrid-data-processing`, h.topic('sensor-data')), 90_000, 250, 'batch committed');
  };

  beforeAll(async () => {
    h = await startHarness({ KAFKA_TOPIC_PARTITIONS: '1', EVENTS_SENSOR_LATENESS_MS: '0', EVENTS_DELIVERY_INTERVAL_MS: '250' });
    tap = await tapGridEvents(h.kafka, h.topic('grid-events'), `${h.stack.env.KAFKA_TOPIC_PREFIX}grid-events-reader`);
    await request(h.baseUrl)
      .post('/api/alarm-rules')
      .set('Authorization', `Bearer ${h.tokens.operator}`)
      .send({ name: 'outage', selector: { sensorIds: [SENSOR] }, condition: { op: 'above', threshold: 250, minDurationSeconds: 0 }, clear: { threshold: 245, minDurationSeconds: 0 }, severity: 'minor' })
      .expect(201);
    // MongoDB connects in the background: wait for it before the first episode.
    await waitFor(async () => (await request(h.baseUrl).get('/health/ready')).body.details?.mongodb?.status === 'up', 60_000, 250, 'mongodb up');
  });

  afterAll(() =>
    restoreServersThen(['ferretdb', 'cassandra'], async () => {
      await tap?.stop().catch(() => undefined);
      await h?.close();
    }),
  );

  it('with every store up, events reach both stores and grid-events at once', async () => {
    await episode();
    await waitFor(async () => (await ledgerIds()).length === 2, 30_000, 250, 'two events');
    const ids = await ledgerIds();
    await waitFor(async () => (await idsIn(h.app.get(CassandraEventHistoryStore))).join() === ids.join(), 30_000, 250, 'cassandra');
    await waitFor(async () => (await idsIn(h.app.get(MongoEventHistoryStore))).join() === ids.join(), 30_000, 250, 'mongodb');
    expect(await pending('cassandra')).toBe(0);
    expect(await pending('mongodb')).toBe(0);
  });

  for (const [server, target, other] of [
    ['ferretdb', 'mongodb', 'cassandra'],
    ['cassandra', 'cassandra', 'mongodb'],
  ] as const) {
    it(`${server} stopped: events are kept in ${other}, grid-events and the ledger, with a backlog for ${target}; it converges when ${server} is back`, async () => {
      const store = (name: string): EventHistoryStore => (name === 'mongodb' ? h.app.get(MongoEventHistoryStore) : h.app.get(CassandraEventHistoryStore));
      const before = (await ledgerIds()).length;
      stopServer(server);
      await waitFor(async () => (await request(h.baseUrl).get('/health/ready')).body.details?.[target]?.status !== 'up', 60_000, 250, `${target} seen down`);
      await episode();
      await episode();
      await waitFor(async () => (await ledgerIds()).length === before + 4, 60_000, 250, 'four new events recorded');
      const ids = await ledgerIds();
      await waitFor(async () => (await idsIn(store(other))).join() === ids.join(), 60_000, 250, `${other} has every event`);
      await waitFor(() => ids.every((id) => tap.events.some((e) => e.event_id === id)), 60_000, 250, 'grid-events has every event');
      expect(await pending(target)).toBeGreaterThanOrEqual(4);
      expect(await pending(other)).toBe(0);
      await expect(store(target).query({ sourceId: SENSOR, ...window, limit: 10 })).rejects.toThrow();
      // The list falls back to the store that answers, naming it.
      const fallback = await request(h.baseUrl)
        .get('/api/events')
        .query({ source_id: SENSOR, from: window.from.toISOString(), to: window.to.toISOString(), limit: '500' })
        .set('Authorization', `Bearer ${h.tokens.viewer}`)
        .expect(200);
      expect(fallback.body.source).toBe(other);
      expect(fallback.body.events.map((e: { eventId: string }) => e.eventId).sort()).toEqual(ids);

      startServer(server);
      // The waits bound a hung test; they assert nothing about how fast recovery is.
      await waitFor(async () => (await pending(target)) === 0, 180_000, 500, `${target} backlog drained`);
      expect(await idsIn(store(target))).toEqual(ids);
      expect(await idsIn(store(other))).toEqual(ids);
      // Each event once on grid-events, whatever was retried.
      const published = tap.events.filter((e) => e.source_id === SENSOR).map((e) => e.event_id);
      expect(published.sort()).toEqual(ids);
    });
  }
});
