import type { SensorReading } from '@smartgrid/hybrid-storage';
import request from 'supertest';
import { Harness, startHarness } from './support/harness';

const WEEK_START = Date.parse('2026-09-28T00:00:00Z'); // Monday of 2026-W40
const TEN_MIN = 600_000;
const GAP = { from: 500, to: 508 }; // intervals 500..507 have no data

/**
 * EN 50160 reports against hand-computed figures. Week 2026-W40 has 1008 ten-minute
 * intervals; 8 of them (500–507) carry no reading, so 1000 are measured. Each measured
 * interval has two readings, one in each five-minute half, whose mean is the interval's:
 *
 * - S-PQ-PASS: 40 intervals at (199 + 201) / 2 = 200 V, 960 at 230 V. Within 230 V ± 10 %
 *   (207–253): 960 / 1000 = 96 % ≥ 95 % → pass; within +10 % / −15 % (195.5–253): 100 % →
 *   pass. Verdict pass.
 * - S-PQ-FAIL: the same, but interval 40 at 190 V: 959 / 1000 = 95.9 % → pass; 999 / 1000 =
 *   99.9 % < 100 % → fail. Verdict fail.
 */
describe('EN 50160 power-quality reports (real servers)', () => {
  let h: Harness;
  const get = (id: string, query: Record<string, string>) =>
    request(h.baseUrl).get(`/api/sensors/${id}/power-quality`).query(query).set('Authorization', `Bearer ${h.tokens.viewer}`);

  const week = (id: string, low: (i: number) => number | null): SensorReading[] => {
    const out: SensorReading[] = [];
    for (let i = 0; i < 1008; i++) {
      if (i >= GAP.from && i < GAP.to) continue;
      const mean = low(i) ?? 230;
      const start = WEEK_START + i * TEN_MIN;
      out.push({ sensorId: id, sensorType: 'voltage', unit: 'V', value: mean - 1, timestamp: new Date(start + 60_000) });
      out.push({ sensorId: id, sensorType: 'voltage', unit: 'V', value: mean + 1, timestamp: new Date(start + 360_000) });
    }
    return out;
  };

  beforeAll(async () => {
    h = await startHarness({ INGEST_ENABLED: 'false' });
    await h.storage.storeSensorDataBatch(week('S-PQ-PASS', (i) => (i < 40 ? 200 : null)));
    await h.storage.storeSensorDataBatch(week('S-PQ-FAIL', (i) => (i < 40 ? 200 : i === 40 ? 190 : null)));
  });

  afterAll(async () => {
    await h?.close();
  });

  it('a week with a gap: the hand-computed shares and a pass', async () => {
    const r = (await get('S-PQ-PASS', { week: '2026-W40' }).expect(200)).body;
    expect(r).toMatchObject({
      sensorType: 'voltage',
      period: { kind: 'week', label: '2026-W40', from: '2026-09-28T00:00:00.000Z', to: '2026-10-05T00:00:00.000Z' },
      intervalSeconds: 600,
      expected: 1008,
      measured: 1000,
      missing: 8,
      notElapsed: 0,
      min: 200,
      max: 230,
      verdict: 'pass',
      source: 'postgres',
    });
    expect(r.limits.map((l: { name: string; intervalsWithin: number; percentWithin: number; pass: boolean }) => [l.intervalsWithin, l.percentWithin, l.pass])).toEqual([
      [960, 96, true],
      [1000, 100, true],
    ]);
    expect(r.means).toHaveLength(1000);
    expect(r.means[0]).toEqual({ start: '2026-09-28T00:00:00.000Z', mean: 200, readings: 2 });
    const starts = new Set((r.means as { start: string }[]).map((m) => Date.parse(m.start)));
    for (let i = GAP.from; i < GAP.to; i++) expect(starts.has(WEEK_START + i * TEN_MIN)).toBe(false);
  });

  it('one 10-minute mean below −15 % fails the week', async () => {
    const r = (await get('S-PQ-FAIL', { week: '2026-W40' }).expect(200)).body;
    expect(r).toMatchObject({ measured: 1000, missing: 8, min: 190, verdict: 'fail' });
    expect(r.limits.map((l: { intervalsWithin: number; percentWithin: number; pass: boolean }) => [l.intervalsWithin, l.percentWithin, l.pass])).toEqual([
      [959, 95.9, true],
      [999, 99.9, false],
    ]);
  });

  it('a year counts only its elapsed intervals, and the same measurements', async () => {
    const r = (await get('S-PQ-PASS', { year: '2026' }).expect(200)).body;
    const elapsed = Math.floor((Date.now() - Date.parse('2026-01-01T00:00:00Z')) / TEN_MIN);
    expect(r.measured).toBe(1000);
    // The interval in progress may close between the request and this line.
    expect(r.expected === elapsed || r.expected === elapsed - 1).toBe(true);
    expect(r.missing).toBe(r.expected - 1000);
    expect(r.expected + r.notElapsed).toBe(52_560);
    expect(r.means).toBeUndefined();
  });

  it('refuses bad periods naming the field, and sensors that do not measure voltage or frequency', async () => {
    expect((await get('S-PQ-PASS', { week: '2026-47' }).expect(400)).body.fields).toEqual([{ field: 'week', message: expect.any(String) }]);
    expect((await get('S-PQ-PASS', { week: '2026-W40', year: '2026' }).expect(400)).body.fields[0].field).toBe('year');
    expect((await get('S-PQ-PASS', { year: '26' }).expect(400)).body.fields[0].field).toBe('year');
    await get('S-PQ-NONE', { week: '2026-W40' }).expect(404);
    await h.storage.storeSensorDataBatch([{ sensorId: 'S-PQ-TEMP', sensorType: 'temperature', value: 20, timestamp: new Date(WEEK_START) }]);
    expect((await get('S-PQ-TEMP', { week: '2026-W40' }).expect(400)).body.fields[0].field).toBe('id');
  });
});
