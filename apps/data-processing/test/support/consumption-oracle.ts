/**
 * Reference model of consumption_aggregates, written independently of the SQL: daily kWh per
 * meter from its cumulative register, resets counted from zero, intervals split over UTC days
 * in proportion to time.
 */
export interface RegisterReading {
  ts: number;
  kwh: number;
}

const DAY = 86_400_000;

export function dailyConsumption(readings: readonly RegisterReading[]): Map<string, { kwh: number; resets: number; readings: number }> {
  const sorted = [...readings].sort((a, b) => a.ts - b.ts);
  const out = new Map<string, { kwh: number; resets: number; readings: number }>();
  const day = (ms: number): string => new Date(Math.floor(ms / DAY) * DAY).toISOString().slice(0, 10);
  const at = (d: string) => {
    let v = out.get(d);
    if (!v) out.set(d, (v = { kwh: 0, resets: 0, readings: 0 }));
    return v;
  };
  for (const r of sorted) at(day(r.ts)).readings++;
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1];
    const b = sorted[i];
    const reset = b.kwh < a.kwh;
    const delta = reset ? b.kwh : b.kwh - a.kwh;
    if (reset) at(day(b.ts - 1)).resets++;
    for (let d = Math.floor(a.ts / DAY) * DAY; d < b.ts; d += DAY) {
      const overlap = Math.min(b.ts, d + DAY) - Math.max(a.ts, d);
      if (overlap > 0) at(day(d)).kwh += (delta * overlap) / (b.ts - a.ts);
    }
  }
  return out;
}
