import fc from 'fast-check';
import type { MeterReadingRecord, SensorReadingRecord } from '@smartgrid/hybrid-storage';
import { METER_COLUMNS } from '../meters/meters.controller';
import { SENSOR_COLUMNS } from '../sensors/sensors.controller';

const memo = (s: string): string => JSON.stringify(s);
const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }).map((ms) => new Date(ms));
const num = fc.double({ noNaN: true, noDefaultInfinity: true });
const text = fc.string({ unit: 'binary', maxLength: 12 });

describe('hand-built NDJSON lines equal JSON.stringify of the JSON view', () => {
  it('sensor readings', () => {
    fc.assert(
      fc.property(instant, num, text, fc.option(text, { nil: undefined }), fc.constantFrom('postgres', 'cassandra'), (timestamp, value, sensorType, unit, source) => {
        const r: SensorReadingRecord = { sensorId: 'S', timestamp, value, sensorType, ...(unit !== undefined ? { unit } : {}), source: source as SensorReadingRecord['source'] };
        expect(SENSOR_COLUMNS.ndjson(r, memo)).toBe(JSON.stringify(SENSOR_COLUMNS.json(r)));
      }),
    );
  });

  it('meter readings', () => {
    fc.assert(
      fc.property(instant, num, fc.option(num, { nil: undefined }), fc.option(num, { nil: undefined }), text, (timestamp, energyKwh, powerKw, voltage, customerId) => {
        const r: MeterReadingRecord = {
          meterId: 'M',
          timestamp,
          energyKwh,
          ...(powerKw !== undefined ? { powerKw } : {}),
          ...(voltage !== undefined ? { voltage } : {}),
          customerId,
          source: 'cassandra',
        };
        expect(METER_COLUMNS.ndjson(r, memo)).toBe(JSON.stringify(METER_COLUMNS.json(r)));
      }),
    );
  });
});
