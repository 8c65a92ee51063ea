import { MeterReading } from '@smartgrid/hybrid-storage';
import { waitFor } from '@smartgrid/testing';
import request from 'supertest';
import { Harness, startHarness } from './support/harness';

const HOUR = 3_600_000;
const START = Date.parse('2026-01-29T00:00:00Z');

/**
 * Meter M-A reads every 6 hours from 2026-01-29T00:00Z, its register rising 6 kWh each time:
 * exactly 1 kWh per hour, 24 kWh per whole UTC day. Every reading names customer C-A.
 * Readings k = 0..20 run to 2026-02-03T00:00Z (five whole days: Jan 29, 30, 31, Feb 1, 2).
 */
function reading(k: number, customerId = 'C-A'): MeterReading {
  return { meterId: 'M-A', customerId, timestamp: new Date(START + 6 * HOUR * k), energyKwh: 1000 + 6 * k };
}

/**
 * Consumption follows the registry's assignments, with effective dates: a move part-way
 * through a register interval splits it by time, a move on a month boundary splits the month
 * totals, and changing an assignment in the past recomputes what it covered. A reading that
 * names another customer than the registry is flagged (metric, grid event, the meter's
 * record), never silently re-assigned. Figures are worked out by hand in the comments.
 */
describe('meter assignments and consumption by assignment (real servers)', () => {
  let h: Harness;
  const as = (role: 'viewer' | 'operator') => ({ Authorization: `Bearer ${h.tokens[role]}` });
  const monthly = async (customer: string) => {
    const res = await request(h.baseUrl)
      .get(`/api/customers/${customer}/consumption`)
      .query({ interval: 'month', from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' })
      .set(as('viewer'))
      .expect(200);
    return (res.body.periods as { period: string; consumptionKwh: number; readings: number }[]).map((p) => [p.period, round(p.consumptionKwh), p.readings]);
  };
  const daily = async (customer: string, day: string) => {
    const res = await request(h.baseUrl)
      .get(`/api/customers/${customer}/consumption`)
      .query({ interval: 'day', from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z` })
      .set(as('viewer'))
      .expect(200);
    return round(res.body.totalKwh as number);
  };
  const assign = (customerId: string, from: string | null) =>
    request(h.baseUrl).post('/api/meters/M-A/assignments').set(as('operator')).send({ customerId, from });

  beforeAll(async () => {
    h = await startHarness();
    await h.storage.storeMeterReadingBatch(Array.from({ length: 21 }, (_, k) => reading(k)));
    for (const id of ['C-A', 'C-B']) await request(h.baseUrl).post('/api/customers').set(as('operator')).send({ id }).expect(201);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('first sight: the meter belongs to C-A since the beginning, which gets everything (Jan 3 × 24 = 72, Feb 2 × 24 = 48)', async () => {
    expect(await monthly('C-A')).toEqual([
      ['2026-01', 72, 12], // readings k = 0..11 fall in January
      ['2026-02', 48, 9], // k = 12..20
    ]);
    expect(await monthly('C-B')).toEqual([]);
  });

  it('moving the meter to C-B at 2026-01-31T15:00Z (in the past) splits the 12:00–18:00 interval and the month', async () => {
    const res = await assign('C-B', '2026-01-31T15:00:00Z').expect(201);
    expect(res.body.assignments).toEqual([
      expect.objectContaining({ customerId: 'C-A', from: null, until: '2026-01-31T15:00:00.000Z', createdBy: 'ingest' }),
      expect.objectContaining({ customerId: 'C-B', from: '2026-01-31T15:00:00.000Z', until: null, createdBy: 'operator-user' }),
    ]);
    // C-A: Jan 29 (24) + Jan 30 (24) + Jan 31 00:00–15:00 (15) = 63; readings k = 0..10 (up to Jan 31 12:00).
    // C-B: Jan 31 15:00–24:00 (9) in January, Feb 1 + Feb 2 (48); readings k = 11 (Jan 31 18:00) and 12..20.
    expect(await monthly('C-A')).toEqual([['2026-01', 63, 11]]);
    expect(await monthly('C-B')).toEqual([
      ['2026-01', 9, 1],
      ['2026-02', 48, 9],
    ]);
    expect(await daily('C-A', '2026-01-31')).toBe(15);
    expect(await daily('C-B', '2026-01-31')).toBe(9);
    const meter = await request(h.baseUrl).get('/api/meters/M-A').set(as('viewer')).expect(200);
    expect(meter.body.customerId).toBe('C-B');
  });

  it('correcting the history (C-A until the month ends, C-B from 2026-02-01) recomputes January and February', async () => {
    await assign('C-A', '2026-01-31T15:00:00Z').expect(201); // the assignment starting then goes back to C-A
    const res = await assign('C-B', '2026-02-01').expect(201); // a bare date is UTC midnight
    expect(res.body.assignments.map((a: { customerId: string; from: string | null }) => [a.customerId, a.from])).toEqual([
      ['C-A', null],
      ['C-A', '2026-01-31T15:00:00.000Z'],
      ['C-B', '2026-02-01T00:00:00.000Z'],
    ]);
    // Back to the month boundary: C-A all of January (72), C-B all of February (48); C-B's January row is gone.
    expect(await monthly('C-A')).toEqual([['2026-01', 72, 12]]);
    expect(await monthly('C-B')).toEqual([['2026-02', 48, 9]]);
  });

  it('readings that still name C-A are attributed to C-B and flagged (metric, grid event, the meter record)', async () => {
    const events = h.kafka.consumer({ groupId: `${h.stack.env.KAFKA_TOPIC_PREFIX}grid-events-reader` });
    const seen: Record<string, unknown>[] = [];
    await events.connect();
    await events.subscribe({ topic: h.topic('grid-events'), fromBeginning: true });
    await events.run({ eachMessage: async ({ message }) => void seen.push({ key: String(message.key), ...JSON.parse(String(message.value)) }) });
    try {
      await h.storage.storeMeterReadingBatch([reading(21), reading(22)]); // 2026-02-03 06:00 and 12:00
      await h.storage.storeMeterReadingBatch([reading(21), reading(22)]); // redelivered: counted once
      // C-B: February 48 + Feb 3 00:00–12:00 (12) = 60; nothing moves back to C-A.
      expect(await monthly('C-B')).toEqual([['2026-02', 60, 11]]);
      expect(await monthly('C-A')).toEqual([['2026-01', 72, 12]]);

      await waitFor(async () => seen.length > 0, 60_000, 250, 'a grid event');
      expect(seen).toEqual([
        {
          key: 'M-A',
          // A time-based UUID derived from the registry's id (the events lib keys every grid event so).
          event_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
          source_id: 'M-A',
          type: 'meter.customer_mismatch',
          severity: 'warning',
          status: 'raised',
          timestamp: '2026-02-03T06:00:00.000Z',
          details: {
            meterId: 'M-A',
            readingCustomerId: 'C-A',
            registryCustomerId: 'C-B',
            firstReadingAt: '2026-02-03T06:00:00.000Z',
            readings: 2,
            registryEventId: 'customer-mismatch:M-A:C-A:C-B',
            source_kind: 'meter',
          },
        },
      ]);
      // The same event in the event history (MongoDB across sources, Cassandra for the meter).
      const history = await waitFor(async () => {
        const r = await request(h.baseUrl)
          .get('/api/events')
          .query({ source_id: 'M-A', type: 'meter.customer_mismatch', from: '2026-02-01T00:00:00Z', to: '2026-02-28T00:00:00Z' })
          .set(as('viewer'));
        return r.status === 200 && r.body.events.length === 1 ? r.body : undefined;
      }, 30_000, 250, 'mismatch in the event history');
      expect(history.events[0]).toMatchObject({ eventId: (seen[0] as { event_id: string }).event_id, sourceKind: 'meter', source: 'cassandra' });
      const meter = await request(h.baseUrl).get('/api/meters/M-A').set(as('viewer')).expect(200);
      expect(meter.body.customerMismatches).toEqual([
        { readingCustomerId: 'C-A', registryCustomerId: 'C-B', firstReadingAt: '2026-02-03T06:00:00.000Z', lastReadingAt: '2026-02-03T12:00:00.000Z', readings: 2 },
      ]);
      const metrics = await request(h.baseUrl).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/^smartgrid_registry_customer_mismatch_readings_total 2$/m);
      expect(metrics.text).toMatch(/^smartgrid_registry_customer_mismatches_total 1$/m);

      // More of the same: counted, but the (meter, C-A, C-B) mismatch is not announced again.
      await h.storage.storeMeterReadingBatch([reading(23)]);
      await waitFor(async () => /^smartgrid_registry_customer_mismatch_readings_total 3$/m.test((await request(h.baseUrl).get('/metrics')).text), 30_000, 250, 'three mismatched readings');
      expect(seen).toHaveLength(1);
    } finally {
      await events.disconnect();
    }
  });

  it('refuses unknown customers and malformed dates (400 naming the field); viewers may not assign', async () => {
    expect((await assign('C-NOBODY', null).expect(400)).body.fields[0].field).toBe('customerId');
    expect((await assign('C-A', 'next week').expect(400)).body.fields[0].field).toBe('from');
    expect((await assign('C-A', '2026-02-31').expect(400)).body.fields[0].field).toBe('from');
    expect((await request(h.baseUrl).post('/api/meters/M-A/assignments').set(as('operator')).send({ customerId: 'C-A' }).expect(400)).body.fields[0].field).toBe('from');
    await request(h.baseUrl).post('/api/meters/M-A/assignments').set(as('viewer')).send({ customerId: 'C-A', from: null }).expect(403);
  });
});

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
