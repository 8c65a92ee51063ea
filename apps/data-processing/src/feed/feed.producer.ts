import { Fleet, MeterMessage, SensorMessage } from './fleet.simulator';

export interface FeedOptions {
  sensors: number;
  meters: number;
  /** Messages per second, both topics together (valid and invalid). */
  rate: number;
  /** Stop after this many messages (undefined: no limit). */
  count?: number;
  /** Stop after this many wall-clock seconds (undefined: no limit). */
  durationSec?: number;
  /** Fraction of messages replaced by a malformed one, 0..1. */
  invalidFraction: number;
  /** Simulated seconds between two readings of one device. */
  intervalSec: number;
  /** Simulated start time; the feed runs ahead of the clock until it catches up, then live. */
  startMs: number;
  seed: number;
  idPrefix: string;
}

export interface OutgoingMessage {
  key: string | null;
  value: Buffer;
}

/** Where the feed sends messages; the CLI binds it to a kafkajs producer. */
export interface FeedSink {
  send(kind: 'sensor' | 'meter', messages: OutgoingMessage[]): Promise<void>;
}

export interface FeedStats {
  sent: number;
  invalid: number;
  sensorMessages: number;
  meterMessages: number;
  simulatedUntil: Date;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Generates rounds of readings (every sensor and meter once per simulated `intervalSec`) and
 * sends them at `rate` messages per second, in chunks of a tenth of a second. Simulated time
 * never runs ahead of the wall clock: once it catches up, the feed waits for real time.
 */
export async function runFeed(
  opts: FeedOptions,
  sink: FeedSink,
  shouldStop: () => boolean = () => false,
  onProgress?: (s: FeedStats) => void,
): Promise<FeedStats> {
  const fleet = new Fleet({ sensors: opts.sensors, meters: opts.meters, seed: opts.seed, idPrefix: opts.idPrefix });
  const stats: FeedStats = { sent: 0, invalid: 0, sensorMessages: 0, meterMessages: 0, simulatedUntil: new Date(opts.startMs) };
  const t0 = Date.now();
  const deadline = opts.durationSec === undefined ? Infinity : t0 + opts.durationSec * 1000;
  const limit = opts.count ?? Infinity;
  const chunk = Math.max(1, Math.round(opts.rate / 10));
  const devices = fleet.sensors.length + fleet.meters.length;
  if (devices === 0) return stats;
  let simMs = opts.startMs;
  let cursor = 0; // position within the current round
  let lastProgress = Date.now();

  while (stats.sent < limit && Date.now() < deadline && !shouldStop()) {
    if (cursor === 0 && simMs > Date.now()) {
      await sleep(Math.min(simMs - Date.now(), 1000));
      continue;
    }
    const sensorBatch: OutgoingMessage[] = [];
    const meterBatch: OutgoingMessage[] = [];
    const n = Math.min(chunk, limit - stats.sent);
    for (let i = 0; i < n; i++) {
      const isSensor = cursor < fleet.sensors.length;
      const kind = isSensor ? 'sensor' : 'meter';
      let msg: OutgoingMessage;
      if (opts.invalidFraction > 0 && fleet.random() < opts.invalidFraction) {
        msg = fleet.malformed(kind, simMs);
        stats.invalid++;
      } else if (isSensor) {
        const r: SensorMessage = fleet.sensorReading(fleet.sensors[cursor], simMs);
        msg = { key: r.sensor_id, value: Buffer.from(JSON.stringify(r)) };
      } else {
        const r: MeterMessage = fleet.meterReading(fleet.meters[cursor - fleet.sensors.length], simMs);
        msg = { key: r.meter_id, value: Buffer.from(JSON.stringify(r)) };
      }
      (isSensor ? sensorBatch : meterBatch).push(msg);
      cursor++;
      if (cursor === devices) {
        cursor = 0;
        stats.simulatedUntil = new Date(simMs);
        simMs += opts.intervalSec * 1000;
        if (simMs > Date.now()) break; // caught up with the clock: wait before the next round
      }
    }
    const started = Date.now();
    await Promise.all([
      sensorBatch.length > 0 ? sink.send('sensor', sensorBatch) : Promise.resolve(),
      meterBatch.length > 0 ? sink.send('meter', meterBatch) : Promise.resolve(),
    ]);
    stats.sent += sensorBatch.length + meterBatch.length;
    stats.sensorMessages += sensorBatch.length;
    stats.meterMessages += meterBatch.length;
    // Pace to `rate`: this chunk should take (its size / rate) seconds.
    const budgetMs = ((sensorBatch.length + meterBatch.length) / opts.rate) * 1000;
    const spent = Date.now() - started;
    if (spent < budgetMs) await sleep(budgetMs - spent);
    if (onProgress && Date.now() - lastProgress >= 5000) {
      lastProgress = Date.now();
      onProgress(stats);
    }
  }
  return stats;
}
