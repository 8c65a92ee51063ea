/**
 * A simulated fleet for the demo feed: sensors of several kinds whose values follow a daily
 * pattern plus noise, and electricity meters whose cumulative registers only ever grow.
 * Deterministic for a given seed so a demo (or a test) can be replayed.
 */

/** Small, fast, seedable PRNG (mulberry32); Math.random cannot be seeded. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal sample (Box–Muller). */
function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Hour of day in [0, 24) for the given instant, in UTC (the demo city runs on UTC). */
function hourOfDay(ms: number): number {
  return (ms % 86_400_000) / 3_600_000;
}

/** Typical household/grid load shape: night trough, morning and evening peaks, in [0.3, 1]. */
export function loadShape(hour: number): number {
  const morning = Math.exp(-((hour - 8) ** 2) / 4);
  const evening = Math.exp(-((hour - 19.5) ** 2) / 6);
  return Math.min(1, 0.3 + 0.45 * morning + 0.7 * evening);
}

interface SensorKind {
  type: string;
  unit: string;
  /** Value without noise at a given hour of day; `bias` varies per sensor. */
  base(hour: number, bias: number): number;
  noise: number;
  decimals: number;
  min?: number;
  /** No noise when the base value is 0 (no sun at night). */
  quietAtZero?: boolean;
}

export const SENSOR_KINDS: readonly SensorKind[] = [
  // Voltage sags a little under the evening load.
  { type: 'voltage', unit: 'V', base: (h, b) => 231 + b * 2 - 6 * loadShape(h), noise: 0.6, decimals: 1 },
  { type: 'current', unit: 'A', base: (h, b) => (40 + b * 10) * loadShape(h), noise: 1.5, decimals: 2, min: 0 },
  { type: 'frequency', unit: 'Hz', base: () => 50, noise: 0.015, decimals: 3 },
  // Coldest around 05:00, warmest around 15:00.
  { type: 'temperature', unit: 'C', base: (h, b) => 14 + b * 3 + 7 * Math.sin(((h - 9) / 24) * 2 * Math.PI), noise: 0.3, decimals: 2 },
  { type: 'power_factor', unit: 'ratio', base: (h, b) => 0.95 + b * 0.01 - 0.06 * loadShape(h), noise: 0.005, decimals: 3, min: 0 },
  // Sun between 06:00 and 18:00.
  { type: 'solar_irradiance', unit: 'W/m2', base: (h, b) => (h > 6 && h < 18 ? (850 + b * 50) * Math.sin(((h - 6) / 12) * Math.PI) : 0), noise: 15, decimals: 1, min: 0, quietAtZero: true },
];

export interface SimSensor {
  id: string;
  kind: SensorKind;
  bias: number;
  location: { lat: number; lon: number };
  firmware: string;
}

export interface SimMeter {
  id: string;
  customerId: string;
  /** Cumulative register, kWh. */
  registerKwh: number;
  /** Mean household power, kW. */
  meanKw: number;
}

export interface SensorMessage {
  sensor_id: string;
  sensor_type: string;
  value: number;
  unit: string;
  timestamp: string;
  metadata: Record<string, unknown>;
  location: { lat: number; lon: number };
}

export interface MeterMessage {
  meter_id: string;
  customer_id: string;
  timestamp: string;
  energy_kwh: number;
  power_kw: number;
  voltage: number;
  metadata: Record<string, unknown>;
}

const round = (v: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
};

export interface FleetOptions {
  sensors: number;
  meters: number;
  seed: number;
  /** Meters per customer, on average (each customer has 1..2*this-1 meters). */
  metersPerCustomer?: number;
  /** Prefix of generated ids, so two demos can share a cluster. */
  idPrefix?: string;
}

export class Fleet {
  readonly sensors: SimSensor[] = [];
  readonly meters: SimMeter[] = [];
  private readonly rand: () => number;
  /** Last emitted instant per meter, so registers integrate power over real elapsed time. */
  private readonly meterClock = new Map<string, number>();

  constructor(opts: FleetOptions) {
    this.rand = createRandom(opts.seed);
    const p = opts.idPrefix ?? '';
    for (let i = 0; i < opts.sensors; i++) {
      this.sensors.push({
        id: `${p}S-${String(1000 + i)}`,
        kind: SENSOR_KINDS[i % SENSOR_KINDS.length],
        bias: this.rand() * 2 - 1,
        // Scattered around Tirana.
        location: { lat: round(41.33 + (this.rand() - 0.5) * 0.2, 5), lon: round(19.82 + (this.rand() - 0.5) * 0.2, 5) },
        firmware: `2.${Math.floor(this.rand() * 4)}`,
      });
    }
    const perCustomer = Math.max(1, opts.metersPerCustomer ?? 1.5);
    let customer = 0;
    let leftForCustomer = 0;
    for (let i = 0; i < opts.meters; i++) {
      if (leftForCustomer === 0) {
        customer++;
        leftForCustomer = 1 + Math.floor(this.rand() * (2 * perCustomer - 1));
      }
      leftForCustomer--;
      this.meters.push({
        id: `${p}M-${String(2000 + i)}`,
        customerId: `${p}C-${String(300 + customer)}`,
        registerKwh: round(1000 + this.rand() * 20000, 3),
        meanKw: 0.4 + this.rand() * 1.6,
      });
    }
  }

  sensorReading(s: SimSensor, atMs: number): SensorMessage {
    const h = hourOfDay(atMs);
    const base = s.kind.base(h, s.bias);
    let v = s.kind.quietAtZero && base === 0 ? 0 : base + gaussian(this.rand) * s.kind.noise;
    if (s.kind.min !== undefined && v < s.kind.min) v = s.kind.min;
    return {
      sensor_id: s.id,
      sensor_type: s.kind.type,
      value: round(v, s.kind.decimals),
      unit: s.kind.unit,
      timestamp: new Date(atMs).toISOString(),
      metadata: { firmware: s.firmware },
      location: s.location,
    };
  }

  /** Advances the meter's register by the energy used since its last reading; never decreases. */
  meterReading(m: SimMeter, atMs: number): MeterMessage {
    const last = this.meterClock.get(m.id);
    const h = hourOfDay(atMs);
    const powerKw = Math.max(0.05, m.meanKw * loadShape(h) * 1.4 + gaussian(this.rand) * 0.1);
    if (last !== undefined && atMs > last) m.registerKwh += (powerKw * (atMs - last)) / 3_600_000;
    this.meterClock.set(m.id, Math.max(atMs, last ?? atMs));
    return {
      meter_id: m.id,
      customer_id: m.customerId,
      timestamp: new Date(atMs).toISOString(),
      energy_kwh: round(m.registerKwh, 3),
      power_kw: round(powerKw, 3),
      voltage: round(230 + gaussian(this.rand) * 1.2, 1),
      metadata: {},
    };
  }

  /** A random malformed payload of a few kinds, as real fleets send them. */
  malformed(topicKind: 'sensor' | 'meter', atMs: number): { key: string | null; value: Buffer } {
    const r = this.rand();
    const good =
      topicKind === 'sensor'
        ? (this.sensorReading(this.sensors[Math.floor(this.rand() * this.sensors.length)], atMs) as unknown as Record<string, unknown>)
        : (this.meterReading(this.meters[Math.floor(this.rand() * this.meters.length)], atMs) as unknown as Record<string, unknown>);
    const key = String(good.sensor_id ?? good.meter_id);
    const variants: (() => { key: string | null; value: Buffer })[] = [
      () => ({ key, value: Buffer.from('{"truncated": ') }),
      () => ({ key, value: Buffer.from(JSON.stringify({ ...good, timestamp: 'yesterday' })) }),
      () => ({ key, value: Buffer.from(JSON.stringify({ ...good, [topicKind === 'sensor' ? 'value' : 'energy_kwh']: 'n/a' })) }),
      () => {
        const { timestamp: _drop, ...rest } = good;
        return { key, value: Buffer.from(JSON.stringify(rest)) };
      },
      () => ({ key, value: Buffer.from(JSON.stringify({ ...good, timestamp: '1970-01-01T00:00:00Z' })) }),
      () => ({ key, value: Buffer.from(JSON.stringify(good).replace(/"(value|energy_kwh)":[^,}]+/, '"$1":1e999')) }),
      () => ({ key, value: Buffer.from([0xff, 0xfe, 0x00, 0x7b]) }),
      // An unknown top-level field is kept in the metadata now (tolerant reader); one whose name
      // the metadata rules refuse (a dot) still sends the message to the dead-letter topic.
      () => ({ key, value: Buffer.from(JSON.stringify({ ...good, 'firmware.build': 42 })) }),
    ];
    return variants[Math.floor(r * variants.length)]();
  }

  random(): number {
    return this.rand();
  }
}
