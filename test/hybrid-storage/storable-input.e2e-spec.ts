import type { ReadOptions, ReadResult, WriteResult } from '@smartgrid/hybrid-storage';
import { MongoSensorMetadataStore } from '@smartgrid/mongo';
import fc from 'fast-check';
import { decodeMeterMessage, decodeSensorMessage, Decoded, Rejection } from '../../apps/data-processing/src/ingest/reading.decoder';
import { Harness, startHarness } from './support/hybrid-storage-harness';

/**
 * "What validation accepts, every store accepts", as a property over arbitrary messages:
 * whatever the Kafka decoder accepts is written to the real PostgreSQL, Cassandra and MongoDB
 * (sensor metadata) without a refusal or an outage, and both time-series stores read back the
 * same content; whatever it rejects carries a reason. Strings are drawn from a mix of any
 * code point with the characters stores choke on (NUL, unpaired surrogates, `$`, `.`).
 */
const NOW = Date.now();
const DAY = 86_400_000;

const nasty = fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '$', '.', '\u001f', '\u007f', ' ');
const unit = fc.oneof({ weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }, { weight: 1, arbitrary: nasty });
const text = (maxLength: number) => fc.string({ unit, minLength: 0, maxLength });
const id = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('S-1', 'S-2', 'M-1', 'x') }, { weight: 2, arbitrary: text(12) });
const json = fc.jsonValue({ maxDepth: 4, stringUnit: unit });
const metadata = fc.oneof(fc.dictionary(text(8), json, { maxKeys: 6 }), json);
const timestamp = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: NOW - 20 * DAY, max: NOW }).map((ms) => new Date(ms).toISOString()) },
  { weight: 3, arbitrary: fc.integer({ min: NOW - 20 * DAY, max: NOW }) },
  { weight: 1, arbitrary: text(10) },
  { weight: 1, arbitrary: fc.constant('2026-02-30T10:00:00Z') },
);
const number = fc.oneof({ weight: 4, arbitrary: fc.double() }, { weight: 3, arbitrary: fc.integer() }, { weight: 1, arbitrary: fc.constant(-0) }, { weight: 1, arbitrary: text(3) });
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });

const sensorMessage = fc.record(
  {
    sensor_id: id,
    sensor_type: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('voltage', 'frequency') }, { weight: 1, arbitrary: text(10) }),
    value: number,
    unit: optional(fc.oneof(fc.constantFrom('V', 'Hz'), text(4))),
    timestamp,
    metadata: optional(metadata),
    location: optional(fc.record({ lat: fc.oneof(fc.double({ min: -90, max: 90, noNaN: true }), fc.double()), lon: fc.double({ min: -180, max: 180, noNaN: true }) })),
  },
  { requiredKeys: [] },
);

const meterMessage = fc.record(
  {
    meter_id: id,
    customer_id: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('C-1', 'C-2') }, { weight: 1, arbitrary: text(10) }),
    timestamp,
    energy_kwh: fc.oneof(fc.double({ min: 0, max: 1e9, noNaN: true }), number),
    power_kw: optional(number),
    voltage: optional(fc.oneof(fc.double({ min: 0, max: 500, noNaN: true }), number)),
    metadata: optional(metadata),
  },
  { requiredKeys: [] },
);

/** The content both stores keep per reading (sensor type is the sensor's in PostgreSQL). */
const sensorContent = (r: { timestamp: Date; value: number; unit?: string }) => `${r.timestamp.toISOString()}|${r.value}|${r.unit ?? ''}`;
const meterContent = (r: { timestamp: Date; customerId: string; energyKwh: number; powerKw?: number; voltage?: number }) =>
  `${r.timestamp.toISOString()}|${r.customerId}|${r.energyKwh}|${r.powerKw ?? ''}|${r.voltage ?? ''}`;

describe('property: whatever validation accepts, every store accepts (real servers)', () => {
  let h: Harness;
  let accepted = { sensor: 0, meter: 0 };
  let rejected = { sensor: 0, meter: 0 };

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  afterEach(() => {
    // Both kinds of outcome were exercised, or the property proved little.
    const kind = expect.getState().currentTestName?.includes('sensor') ? 'sensor' : 'meter';
    expect(accepted[kind]).toBeGreaterThan(20);
    expect(rejected[kind]).toBeGreaterThan(20);
  });

  const range = { from: new Date(NOW - 21 * DAY), to: new Date(NOW + DAY), limit: 10_000 };

  /** Decodes each message as the Kafka consumer does, checks each rejection, counts both outcomes; returns the accepted readings. */
  const decodeCounted = <R>(kind: 'sensor' | 'meter', messages: unknown[], decode: (key: null, value: Buffer) => Decoded<R>, checkRejection: (r: Rejection) => void): R[] => {
    const readings: R[] = [];
    for (const m of messages) {
      const d = decode(null, Buffer.from(JSON.stringify(m), 'utf8'));
      if (d.ok) readings.push(d.reading);
      else checkRejection(d.rejection);
    }
    accepted[kind] += readings.length;
    rejected[kind] += messages.length - readings.length;
    return readings;
  };

  /** A batch both time-series stores took whole: nothing held back, quarantined or refused. */
  const expectStoredInBoth = (result: WriteResult) =>
    expect({ storedIn: result.storedIn, backlog: result.backlog, quarantined: result.quarantined, refused: result.refused }).toEqual({
      storedIn: ['postgres', 'cassandra'],
      backlog: [],
      quarantined: [],
      refused: [],
    });

  /** One series read from each store alone must hold the same content; returns PostgreSQL's. */
  const expectSameContentInBoth = async <R>(read: (options: ReadOptions) => Promise<ReadResult<R>>, content: (r: R) => string): Promise<string[]> => {
    const pg = (await read({ ...range, source: 'postgres' })).records.map(content);
    const cs = (await read({ ...range, source: 'cassandra' })).records.map(content);
    expect([...pg].sort()).toEqual([...cs].sort());
    return pg;
  };

  it('sensor-data messages', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(sensorMessage, { minLength: 1, maxLength: 12 }), async (messages) => {
        const readings = decodeCounted('sensor', messages, decodeSensorMessage, (rejection) =>
          expect(rejection).toEqual({ code: expect.any(String), detail: expect.any(String), ...(rejection.field === undefined ? {} : { field: expect.any(String) }) }),
        );
        if (readings.length === 0) return;
        const result = await h.storage.storeSensorDataBatch(readings, { target: 'both' });
        expectStoredInBoth(result);
        if (result.metadata) expect(result.metadata).toEqual({ ok: true, latencyMs: expect.any(Number) });
        for (const sensorId of new Set(readings.map((r) => r.sensorId))) {
          const pg = await expectSameContentInBoth((options) => h.storage.getSensorData(sensorId, options), sensorContent);
          const latest = [...readings].reverse().find((r) => r.sensorId === sensorId)!;
          expect(pg).toContain(sensorContent(latest));
        }
        const md = h.ctx.get(MongoSensorMetadataStore);
        const last = [...readings].reverse()[0]!;
        const stored = await md.getSensorMetadata(last.sensorId);
        expect(stored?.sensorId).toBe(last.sensorId);
      }),
      { numRuns: 60 },
    );
  });

  it('meter-readings messages', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(meterMessage, { minLength: 1, maxLength: 12 }), async (messages) => {
        const readings = decodeCounted('meter', messages, decodeMeterMessage, (rejection) => expect(typeof rejection.code).toBe('string'));
        if (readings.length === 0) return;
        expectStoredInBoth(await h.storage.storeMeterReadingBatch(readings, { target: 'both' }));
        for (const meterId of new Set(readings.map((r) => r.meterId))) {
          await expectSameContentInBoth((options) => h.storage.getMeterReadings(meterId, options), meterContent);
        }
      }),
      { numRuns: 60 },
    );
  });
});
