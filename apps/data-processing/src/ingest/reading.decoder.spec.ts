import { malformedCorpus, meterMessage, sensorMessage } from '../../test/support/malformed-corpus';
import { decodeMeterMessage, decodeSensorMessage, describeRejection } from './reading.decoder';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const opts = { maxBytes: 64 * 1024, now: () => NOW };
const buf = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));

describe('reading decoder', () => {
  it('decodes the contract example for sensor-data', () => {
    const r = decodeSensorMessage(Buffer.from('S-1001'), buf(sensorMessage('S-1001', '2026-11-26T10:00:00.000Z')), opts);
    expect(r).toEqual({
      ok: true,
      reading: expect.objectContaining({ sensorId: 'S-1001', sensorType: 'voltage', value: 229.7, unit: 'V', timestamp: new Date('2026-11-26T10:00:00Z') }),
      unknownFields: [],
    });
  });

  describe('tolerant reader', () => {
    it('keeps unknown top-level fields in the metadata under their own names and reports them', () => {
      const msg = { ...sensorMessage('S-1', '2026-11-26T10:00:00Z'), metadata: { firmware: '2.1' }, rssi: -71, diag: { boot: 3, tags: ['a'] } };
      const r = decodeSensorMessage(null, buf(msg), opts);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.reading.metadata).toEqual({ firmware: '2.1', rssi: -71, diag: { boot: 3, tags: ['a'] } });
      expect(r.unknownFields).toEqual([
        { name: 'rssi', outcome: 'kept' },
        { name: 'diag', outcome: 'kept' },
      ]);
    });

    it('never lets an unknown field overwrite a metadata key of the same name', () => {
      const msg = { ...meterMessage('M-1', 'C-1', '2026-11-26T10:15:00Z', 1), metadata: { firmware: '2.1' }, firmware: 'evil' };
      const r = decodeMeterMessage(null, buf(msg), opts);
      expect(r.ok && r.reading.metadata).toEqual({ firmware: '2.1' });
      expect(r.ok && r.unknownFields).toEqual([{ name: 'firmware', outcome: 'shadowed' }]);
    });

    it('creates the metadata when the message had none, and leaves a non-object metadata to be refused', () => {
      const plain = sensorMessage('S-1', '2026-11-26T10:00:00Z');
      delete plain.metadata;
      const r = decodeSensorMessage(null, buf({ ...plain, rssi: -71 }), opts);
      expect(r.ok && r.reading.metadata).toEqual({ rssi: -71 });
      const bad = decodeSensorMessage(null, buf({ ...plain, metadata: 'x', rssi: -71 }), opts);
      expect(bad.ok === false && bad.rejection).toEqual(expect.objectContaining({ code: 'wrong_type', field: 'metadata' }));
    });

    it('names the top-level field when its value breaks a metadata rule, and still bounds the metadata size', () => {
      const deep = decodeSensorMessage(null, buf({ ...sensorMessage('S-1', '2026-11-26T10:00:00Z'), extra: { a: [[1]] } }), opts);
      expect(deep.ok === false && deep.rejection).toEqual(expect.objectContaining({ code: 'wrong_type', field: 'extra.a[0]' }));
      const big = decodeSensorMessage(null, buf({ ...sensorMessage('S-1', '2026-11-26T10:00:00Z'), blob: 'x'.repeat(20_000) }), opts);
      expect(big.ok === false && big.rejection).toEqual(expect.objectContaining({ code: 'too_long', field: 'metadata' }));
    });
  });

  it('decodes the contract example for meter-readings, with epoch milliseconds too', () => {
    const msg = meterMessage('M-2001', 'C-301', '2026-11-26T10:15:00Z', 15234.125);
    const r = decodeMeterMessage(Buffer.from('M-2001'), buf({ ...msg, timestamp: Date.parse('2026-11-26T10:15:00Z') }), opts);
    expect(r.ok && r.reading).toEqual(expect.objectContaining({ meterId: 'M-2001', customerId: 'C-301', energyKwh: 15234.125, timestamp: new Date('2026-11-26T10:15:00Z') }));
  });

  it('accepts a message without a key', () => {
    expect(decodeSensorMessage(null, buf(sensorMessage('S-1', '2026-11-26T10:00:00Z')), opts).ok).toBe(true);
  });

  const corpus = malformedCorpus('', NOW);

  it('has at least thirty kinds of malformed messages', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
  });

  it.each(corpus.map((c) => [c.name, c] as const))('refuses %s', (_name, c) => {
    const key = c.key === null ? null : Buffer.from(c.key);
    const r = c.topic === 'sensor' ? decodeSensorMessage(key, c.value, opts) : decodeMeterMessage(key, c.value, opts);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.rejection.code).toBe(c.code);
    if (c.field) expect(r.rejection.field).toBe(c.field);
    expect(describeRejection(r.rejection).startsWith(`${c.code}: `)).toBe(true);
  });
});
