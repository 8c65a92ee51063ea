import { StoreName } from '@smartgrid/hybrid-storage';
import { waitFor } from '@smartgrid/testing';
import http from 'http';
import request from 'supertest';
import { Harness, startHarness } from './support/harness';

/**
 * The readings routes beyond one page: a range walked by cursor returns every stored row
 * exactly once, NDJSON and CSV stream the whole range and parse back to the same rows,
 * `step` downsamples into buckets that add up, and a client that disconnects mid-stream
 * leaves no query running and no connection checked out.
 */
describe('readings: cursor pages, NDJSON/CSV streams, downsampling (real servers)', () => {
  let h: Harness;
  const day = Date.UTC(2026, 10, 20);
  const N = 12_000; // one reading every 7.2 s over a day
  const sensor = `RF-S-${Date.now()}`;
  const meter = `RF-M-${Date.now()}`;
  const auth = () => ({ Authorization: `Bearer ${h.tokens.viewer}` });
  const range = { from: new Date(day).toISOString(), to: new Date(day + 86_400_000).toISOString() };
  const ts = (i: number) => new Date(day + i * 7200);

  beforeAll(async () => {
    h = await startHarness();
    for (let i = 0; i < N; i += 2000) {
      await h.storage.storeSensorDataBatch(
        Array.from({ length: 2000 }, (_, k) => ({ sensorId: sensor, sensorType: 'voltage', value: 220 + ((i + k) % 100) / 10, unit: 'V', timestamp: ts(i + k) })),
      );
    }
    await h.storage.storeMeterReadingBatch(
      Array.from({ length: 96 }, (_, i) => ({ meterId: meter, customerId: 'C-RF', timestamp: new Date(day + i * 900_000), energyKwh: 1000 + i * 0.5, powerKw: i % 2 ? 2 : undefined })),
    );
  });

  afterAll(async () => {
    await h?.close();
  });

  const expected = (): string[] => Array.from({ length: N }, (_, i) => `${ts(i).toISOString()}|${220 + (i % 100) / 10}`).sort();

  it.each(['postgres', 'cassandra'] as StoreName[])('walks the day by cursor from %s: every row once', async (source) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await request(h.baseUrl)
        .get(`/api/sensors/${sensor}/readings`)
        .query({ ...range, source, limit: 5000, ...(cursor ? { cursor } : {}) })
        .set(auth())
        .expect(200);
      expect(res.body.source).toBe(source);
      seen.push(...(res.body.readings as { timestamp: string; value: number }[]).map((r) => `${r.timestamp}|${r.value}`));
      cursor = res.body.nextCursor as string | null;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.length).toBe(N);
    expect([...seen].sort()).toEqual(expected());
  });

  it('refuses a cursor it did not hand out, and cursor with step or a stream, naming the field', async () => {
    const bad = await request(h.baseUrl).get(`/api/sensors/${sensor}/readings`).query({ ...range, cursor: 'eyJ4IjoxfQ' }).set(auth()).expect(400);
    expect(JSON.stringify(bad.body.fields)).toContain('cursor');
    const mixed = await request(h.baseUrl).get(`/api/sensors/${sensor}/readings`).query({ ...range, step: '1h', format: 'csv' }).set(auth()).expect(400);
    expect(JSON.stringify(mixed.body.fields)).toContain('format');
    await request(h.baseUrl).get(`/api/sensors/${sensor}/readings`).query({ ...range, step: '2h' }).set(auth()).expect(400);
  });

  it.each(['ndjson', 'csv'] as const)('streams the whole day as %s, parsing back to the stored rows', async (format) => {
    const res = await request(h.baseUrl).get(`/api/sensors/${sensor}/readings`).query({ ...range, format, source: 'cassandra' }).set(auth()).buffer(true).parse((r, cb) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (text += c));
      r.on('end', () => cb(null, text));
    });
    expect(res.status).toBe(200);
    const text = res.body as string;
    let rows: string[];
    if (format === 'ndjson') {
      expect(res.headers['content-type']).toContain('application/x-ndjson');
      rows = text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { timestamp: string; value: number })
        .map((r) => `${r.timestamp}|${r.value}`);
    } else {
      expect(res.headers['content-type']).toContain('text/csv');
      const lines = text.trim().split('\r\n');
      expect(lines[0]).toBe('timestamp,value,sensor_type,unit,source');
      rows = lines.slice(1).map((l) => {
        const [t, v] = l.split(',');
        return `${t}|${Number(v)}`;
      });
    }
    expect(rows.length).toBe(N);
    expect(rows.sort()).toEqual(expected());
  });

  it('downsamples: 15-minute and hourly buckets add up to the day, min/max/avg from the readings', async () => {
    for (const step of ['5m', '15m', '1h', '1d', '1m'] as const) {
      const res = await request(h.baseUrl).get(`/api/sensors/${sensor}/readings`).query({ ...range, step }).set(auth()).expect(200);
      const buckets = res.body.buckets as { bucketStart: string; count: number; min: number; max: number; avg: number }[];
      expect(res.body).toMatchObject({ step, source: 'postgres', count: buckets.length });
      expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(N);
      const perDay = { '1m': 1440, '5m': 288, '15m': 96, '1h': 24, '1d': 1 }[step];
      expect(buckets).toHaveLength(perDay);
      expect(Math.min(...buckets.map((b) => b.min))).toBe(220);
      expect(Math.max(...buckets.map((b) => b.max))).toBeCloseTo(229.9, 9);
    }
    const hour = (await request(h.baseUrl).get(`/api/sensors/${sensor}/readings`).query({ ...range, step: '1h' }).set(auth())).body.buckets[0];
    // The first hour holds readings 0..499 (7.2 s apart): values 220 + (i % 100) / 10.
    expect(hour).toMatchObject({ bucketStart: range.from, count: 500, min: 220, max: 229.9 });
    expect(hour.avg).toBeCloseTo(224.95, 9);
  });

  it('meters: pages, streams and steps too', async () => {
    const page = await request(h.baseUrl).get(`/api/meters/${meter}/readings`).query({ ...range, limit: 50 }).set(auth()).expect(200);
    expect(page.body.count).toBe(50);
    const rest = await request(h.baseUrl).get(`/api/meters/${meter}/readings`).query({ ...range, limit: 50, cursor: page.body.nextCursor }).set(auth()).expect(200);
    expect(rest.body.count).toBe(46);
    expect(rest.body.nextCursor).toBeNull();
    const csv = await request(h.baseUrl).get(`/api/meters/${meter}/readings`).query({ ...range, format: 'csv' }).set(auth()).expect(200);
    expect(csv.text.trim().split('\r\n')).toHaveLength(97);
    const steps = await request(h.baseUrl).get(`/api/meters/${meter}/readings`).query({ ...range, step: '1h' }).set(auth()).expect(200);
    expect(steps.body.buckets).toHaveLength(24);
    expect(steps.body.buckets[0]).toMatchObject({ count: 4, energyKwhMin: 1000, energyKwhMax: 1001.5, powerKwMin: 2, powerKwMax: 2, powerKwAvg: 2 });
  });

  it('a client that disconnects mid-stream leaves no query running and no connection checked out', async () => {
    const activeQueries = async (): Promise<number> =>
      Number(
        (
          await h.sql<{ n: string }>(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query ILIKE '%sensor_data%' AND pid <> pg_backend_pid()",
          )
        )[0]!.n,
      );
    const url = new URL(`/api/sensors/${sensor}/readings`, h.baseUrl);
    for (const [k, v] of Object.entries({ ...range, format: 'ndjson', source: 'postgres' })) url.searchParams.set(k, v);
    await new Promise<void>((resolve, reject) => {
      const req = http.get(url, { headers: auth() }, (res) => {
        res.once('data', () => {
          // Read one chunk, then walk away without reading the rest.
          req.destroy();
          resolve();
        });
      });
      req.on('error', (err) => (err.message.includes('socket hang up') ? resolve() : reject(err)));
    });
    await waitFor(async () => (await activeQueries()) === 0, 30_000, 200, 'no query left running');
    // The pool is whole again: as many parallel requests as it has connections all answer.
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => request(h.baseUrl).get(`/api/sensors/${sensor}/readings`).query({ ...range, source: 'postgres', limit: 10 }).set(auth())),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
  });
});
