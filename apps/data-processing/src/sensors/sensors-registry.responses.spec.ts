import type { LatestSensorReading, Sensor } from '@smartgrid/registry';
import { sensorLatestResponse } from './sensors-registry.responses';

describe('sensorLatestResponse', () => {
  const sensor = { id: 'S-1', status: 'active' } as Sensor;
  const now = Date.parse('2026-11-30T12:00:00.000Z');
  const reading = (msAgo: number): LatestSensorReading => ({ timestamp: new Date(now - msAgo), value: 230, unit: 'V' });

  it('silentForSeconds: the time from the newest reading to the request, to the nearest second', () => {
    expect(sensorLatestResponse(sensor, reading(20 * 60_000), now)).toEqual({
      sensorId: 'S-1',
      status: 'active',
      reading: reading(20 * 60_000),
      lastSeenAt: new Date(now - 20 * 60_000),
      silentForSeconds: 1200,
    });
    expect(sensorLatestResponse(sensor, reading(1_499), now).silentForSeconds).toBe(1);
    expect(sensorLatestResponse(sensor, reading(1_500), now).silentForSeconds).toBe(2);
  });

  it('a reading stamped ahead of the clock is not silent for a negative time', () => {
    expect(sensorLatestResponse(sensor, reading(-5_000), now).silentForSeconds).toBe(0);
  });

  it('no reading yet: no last sighting and no silence to count', () => {
    expect(sensorLatestResponse(sensor, null, now)).toMatchObject({ reading: null, lastSeenAt: null, silentForSeconds: null });
  });
});
