import {
  checkSensorReading,
  validateMeterReading,
  validateSensorReading,
  ReadingValidationError,
} from './reading.validation';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const sensorMsg = {
  sensor_id: 'S-1001',
  sensor_type: 'voltage',
  value: 229.7,
  unit: 'V',
  timestamp: '2026-11-26T10:00:00.000Z',
  metadata: { firmware: '2.1' },
  location: { lat: 41.33, lon: 19.82 },
};
const meterMsg = {
  meter_id: 'M-2001',
  customer_id: 'C-301',
  timestamp: '2026-11-26T10:15:00Z',
  energy_kwh: 15234.125,
  power_kw: 3.2,
  voltage: 230.1,
  metadata: {},
};

function refusal(r: ReturnType<typeof validateSensorReading> | ReturnType<typeof validateMeterReading>): [string, string] {
  if (r.ok) throw new Error('expected a refusal');
  expect(r.error).toBeInstanceOf(ReadingValidationError);
  return [r.error.field, r.error.reason];
}

describe('validateSensorReading (wire contract)', () => {
  it('accepts the contract example and returns a typed reading', () => {
    const r = validateSensorReading(sensorMsg, NOW);
    expect(r).toEqual({
      ok: true,
      value: {
        sensorId: 'S-1001',
        sensorType: 'voltage',
        value: 229.7,
        unit: 'V',
        timestamp: new Date('2026-11-26T10:00:00.000Z'),
        metadata: { firmware: '2.1' },
        location: { lat: 41.33, lon: 19.82 },
      },
    });
  });

  it('accepts epoch milliseconds and zone offsets', () => {
    const ms = Date.parse('2026-11-26T10:00:00Z');
    const a = validateSensorReading({ ...sensorMsg, timestamp: ms }, NOW);
    const b = validateSensorReading({ ...sensorMsg, timestamp: '2026-11-26T11:00:00+01:00' }, NOW);
    expect(a.ok && a.value.timestamp.getTime()).toBe(ms);
    expect(b.ok && b.value.timestamp.getTime()).toBe(ms);
  });

  it.each([
    [{ ...sensorMsg, sensor_id: '' }, 'sensor_id', 'empty'],
    [{ ...sensorMsg, sensor_id: '   ' }, 'sensor_id', 'empty'],
    [{ ...sensorMsg, sensor_id: 'x'.repeat(129) }, 'sensor_id', 'too_long'],
    [{ ...sensorMsg, sensor_id: 42 }, 'sensor_id', 'wrong_type'],
    [{ ...sensorMsg, sensor_id: undefined }, 'sensor_id', 'required'],
    [{ ...sensorMsg, sensor_type: undefined }, 'sensor_type', 'required'],
    [{ ...sensorMsg, value: '229.7' }, 'value', 'wrong_type'],
    [{ ...sensorMsg, value: Number.NaN }, 'value', 'not_finite'],
    [{ ...sensorMsg, value: Number.POSITIVE_INFINITY }, 'value', 'not_finite'],
    [{ ...sensorMsg, timestamp: 'yesterday' }, 'timestamp', 'bad_format'],
    [{ ...sensorMsg, timestamp: '2026-11-26T10:00:00' }, 'timestamp', 'bad_format'],
    [{ ...sensorMsg, timestamp: '2026-13-45T10:00:00Z' }, 'timestamp', 'bad_format'],
    [{ ...sensorMsg, timestamp: '1999-12-31T23:59:59Z' }, 'timestamp', 'out_of_range'],
    [{ ...sensorMsg, timestamp: NOW + 86_400_001 }, 'timestamp', 'out_of_range'],
    [{ ...sensorMsg, timestamp: 1_764_151_200 }, 'timestamp', 'out_of_range'], // seconds, not ms
    [{ ...sensorMsg, timestamp: null }, 'timestamp', 'required'],
    [{ ...sensorMsg, metadata: [1, 2] }, 'metadata', 'wrong_type'],
    [{ ...sensorMsg, location: { lat: 91, lon: 0 } }, 'location.lat', 'out_of_range'],
    [{ ...sensorMsg, location: { lat: 1 } }, 'location.lon', 'required'],
  ])('refuses case %# naming the field', (msg, field, reason) => {
    expect(refusal(validateSensorReading(msg, NOW))).toEqual([field, reason]);
  });

  it('refuses a non-object message', () => {
    expect(refusal(validateSensorReading('hello', NOW))).toEqual(['(message)', 'wrong_type']);
    expect(refusal(validateSensorReading(null, NOW))).toEqual(['(message)', 'wrong_type']);
  });

  it('accepts a timestamp exactly one day ahead', () => {
    expect(validateSensorReading({ ...sensorMsg, timestamp: NOW + 86_400_000 }, NOW).ok).toBe(true);
  });
});

describe('validateMeterReading (wire contract)', () => {
  it('accepts the contract example', () => {
    const r = validateMeterReading(meterMsg, NOW);
    expect(r.ok && r.value).toEqual({
      meterId: 'M-2001',
      customerId: 'C-301',
      timestamp: new Date('2026-11-26T10:15:00Z'),
      energyKwh: 15234.125,
      powerKw: 3.2,
      voltage: 230.1,
      metadata: {},
    });
  });

  it.each([
    [{ ...meterMsg, meter_id: '' }, 'meter_id', 'empty'],
    [{ ...meterMsg, customer_id: undefined }, 'customer_id', 'required'],
    [{ ...meterMsg, energy_kwh: -1 }, 'energy_kwh', 'negative'],
    [{ ...meterMsg, energy_kwh: Number.NaN }, 'energy_kwh', 'not_finite'],
    [{ ...meterMsg, power_kw: 'high' }, 'power_kw', 'wrong_type'],
    [{ ...meterMsg, timestamp: '1970-01-01T00:00:00Z' }, 'timestamp', 'out_of_range'],
  ])('refuses case %# naming the field', (msg, field, reason) => {
    expect(refusal(validateMeterReading(msg, NOW))).toEqual([field, reason]);
  });
});

describe('checkSensorReading (typed API)', () => {
  it('names fields as in the TypeScript type', () => {
    expect(() =>
      checkSensorReading({ sensorId: '', sensorType: 't', value: 1, timestamp: new Date(NOW) }, NOW),
    ).toThrow(expect.objectContaining({ field: 'sensorId', reason: 'empty' }));
    expect(() =>
      checkSensorReading({ sensorId: 's', sensorType: 't', value: 1, timestamp: new Date('nope') }, NOW),
    ).toThrow(expect.objectContaining({ field: 'timestamp', reason: 'bad_format' }));
  });
});

describe('text no store can hold (NUL, unpaired surrogates) is refused everywhere', () => {
  const deep = (depth: number): Record<string, unknown> => (depth === 0 ? { leaf: 1 } : { n: deep(depth - 1) });

  it.each([
    [{ ...sensorMsg, metadata: { x: '\ud800' } }, 'metadata.x', 'bad_format'],
    [{ ...sensorMsg, metadata: { x: 'a\u0000b' } }, 'metadata.x', 'bad_format'],
    [{ ...sensorMsg, metadata: { x: '\udc00' } }, 'metadata.x', 'bad_format'],
    [{ ...sensorMsg, metadata: { a: { b: [1, 'ok', 'bad\u0000'] } } }, 'metadata.a.b[2]', 'bad_format'],
    [{ ...sensorMsg, metadata: { ['k\ud800']: 1 } }, 'metadata.(key)', 'bad_format'],
    [{ ...sensorMsg, metadata: { ['k\u0000']: 1 } }, 'metadata.(key)', 'bad_format'],
    [{ ...sensorMsg, metadata: { $where: 1 } }, 'metadata.$where', 'bad_format'],
    [{ ...sensorMsg, metadata: { 'fw.version': '2' } }, 'metadata.fw.version', 'bad_format'],
    [{ ...sensorMsg, metadata: { '': 1 } }, 'metadata.(key)', 'empty'],
    [{ ...sensorMsg, metadata: deep(20) }, expect.stringMatching(/^metadata(\.n)+$/), 'too_long'],
    [{ ...sensorMsg, metadata: { grid: [[1, 2], [3]] } }, 'metadata.grid[0]', 'wrong_type'],
    [{ ...sensorMsg, sensor_id: 'S-\ud800' }, 'sensor_id', 'bad_format'],
    [{ ...sensorMsg, sensor_type: 'volt\udfff' }, 'sensor_type', 'bad_format'],
    [{ ...sensorMsg, unit: 'V\u0000' }, 'unit', 'bad_format'],
  ])('sensor case %# is refused naming the field', (msg, field, reason) => {
    expect(refusal(validateSensorReading(msg, NOW))).toEqual([field, reason]);
  });

  it('applies to meter metadata and ids too', () => {
    expect(refusal(validateMeterReading({ ...meterMsg, metadata: { note: '\ud800x' } }, NOW))).toEqual(['metadata.note', 'bad_format']);
    expect(refusal(validateMeterReading({ ...meterMsg, customer_id: 'C-\udc01' }, NOW))).toEqual(['customer_id', 'bad_format']);
  });

  it('accepts well-formed text outside the BMP and nesting up to the limit', () => {
    const ok = validateSensorReading({ ...sensorMsg, metadata: { emoji: '\ud83d\ude00 ok', tags: ['feeder-7'], nested: deep(10) } }, NOW);
    expect(ok.ok).toBe(true);
  });
});
