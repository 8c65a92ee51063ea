import { decodeMeterMessage, decodeSensorMessage } from '../ingest/reading.decoder';
import { runFeed } from './feed.producer';
import { Fleet, loadShape } from './fleet.simulator';
import { parseFeedArgs, UsageError } from './main';

describe('demo feed', () => {
  it('parses options and names the bad one', () => {
    const o = parseFeedArgs(['--sensors', '10', '--meters=4', '--rate', '50', '--invalid', '0.1', '--count', '100'], Date.parse('2026-11-26T00:00:00Z'));
    expect(o).toMatchObject({ sensors: 10, meters: 4, rate: 50, invalidFraction: 0.1, count: 100, startMs: Date.parse('2026-11-25T00:00:00Z') });
    expect(() => parseFeedArgs(['--rate', 'fast'])).toThrow(/--rate/);
    expect(() => parseFeedArgs(['--invalid', '2'])).toThrow(UsageError);
    expect(() => parseFeedArgs(['--bogus', '1'])).toThrow(/unknown argument --bogus/);
  });

  it('makes valid readings with daily patterns and monotone meter registers', () => {
    const fleet = new Fleet({ sensors: 12, meters: 5, seed: 3 });
    expect(new Set(fleet.sensors.map((s) => s.kind.type)).size).toBe(6);
    const day = Date.parse('2026-11-25T00:00:00Z');
    for (const s of fleet.sensors) {
      const r = fleet.sensorReading(s, day + 8 * 3_600_000);
      expect(decodeSensorMessage(Buffer.from(r.sensor_id), Buffer.from(JSON.stringify(r))).ok).toBe(true);
    }
    const m = fleet.meters[0];
    let last = -1;
    for (let i = 0; i < 96; i++) {
      const r = fleet.meterReading(m, day + i * 900_000);
      expect(decodeMeterMessage(Buffer.from(r.meter_id), Buffer.from(JSON.stringify(r))).ok).toBe(true);
      expect(r.energy_kwh).toBeGreaterThanOrEqual(last);
      last = r.energy_kwh;
    }
    expect(loadShape(19.5)).toBeGreaterThan(loadShape(3));
    const solar = fleet.sensors.find((s) => s.kind.type === 'solar_irradiance')!;
    expect(fleet.sensorReading(solar, day + 2 * 3_600_000).value).toBe(0);
  });

  it('sends the requested number of messages with the requested share of invalid ones', async () => {
    const sent: { kind: string; valid: boolean }[] = [];
    const stats = await runFeed(
      { sensors: 20, meters: 10, rate: 1_000_000, count: 3000, invalidFraction: 0.1, intervalSec: 60, startMs: Date.now() - 86_400_000, seed: 5, idPrefix: 'T-' },
      {
        send: async (kind, messages) => {
          for (const m of messages) {
            const key = m.key === null ? null : Buffer.from(m.key);
            const ok = kind === 'sensor' ? decodeSensorMessage(key, m.value).ok : decodeMeterMessage(key, m.value).ok;
            sent.push({ kind, valid: ok });
          }
        },
      },
    );
    expect(stats.sent).toBe(3000);
    expect(sent).toHaveLength(3000);
    const invalid = sent.filter((s) => !s.valid).length;
    expect(invalid).toBe(stats.invalid);
    expect(invalid / 3000).toBeGreaterThan(0.06);
    expect(invalid / 3000).toBeLessThan(0.14);
    expect(sent.filter((s) => s.kind === 'meter').length).toBe(1000);
  });
});
