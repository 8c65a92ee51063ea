import { Inject, Injectable } from '@nestjs/common';
import { HybridStorageService, messageOf, StorageReadError, StoreName } from '@smartgrid/hybrid-storage';
import { POWER_QUALITY_SERIES, PowerQualitySeries } from '../ports/power-quality-series.port';
import { assess, elapsedRange, EN50160_PROFILES, IntervalAccumulator, parseIsoWeek, parseYear, PeriodError, QualityAssessment, QualityProfile, ReportPeriod } from './en50160.model';

export interface PowerQualityReport extends QualityAssessment {
  sensorId: string;
  sensorType: 'voltage' | 'frequency';
  period: ReportPeriod;
  nominal: number;
  unit: string;
  intervalSeconds: number;
  /** How the interval means were computed, and from where. */
  method: string;
  source: StoreName;
  /** Stores tried first that could not answer. */
  failed: { store: StoreName; error: string }[];
  /** PostgreSQL has replication work pending: readings only Cassandra holds yet are missing from the figures. */
  behind: boolean;
  /** The 10-minute means (voltage, week reports only), oldest first; intervals without data are absent. */
  means?: { start: Date; mean: number; readings: number }[];
}

export class SensorNotFoundError extends Error {
  constructor(readonly sensorId: string) {
    super(`no sensor ${sensorId}`);
    this.name = 'SensorNotFoundError';
  }
}

export class UnsupportedSensorError extends Error {
  constructor(
    readonly sensorId: string,
    readonly sensorType: string,
  ) {
    super(`power-quality reports are for voltage and frequency sensors; ${sensorId} measures ${sensorType}`);
    this.name = 'UnsupportedSensorError';
  }
}

/**
 * EN 50160 reports from the stored series. PostgreSQL first: the ten-minute voltage means come
 * from the five-minute aggregates it keeps (sum and count per bucket, maintained by triggers,
 * so a reading counts once whatever delivered it; two buckets give the exact mean of the
 * readings of ten minutes, a year is 105,120 rows instead of 31 million readings); the
 * ten-second frequency means from the readings, grouped where they are (date_bin), so only
 * counts leave the database. When PostgreSQL cannot answer, a week is computed from
 * Cassandra's readings streamed to the app (a year would be tens of millions of readings: it
 * needs PostgreSQL).
 */
@Injectable()
export class PowerQualityService {
  constructor(
    @Inject(POWER_QUALITY_SERIES) private readonly series: PowerQualitySeries,
    private readonly storage: HybridStorageService,
  ) {}

  async report(sensorId: string, q: { week?: string; year?: string }, now = new Date()): Promise<PowerQualityReport> {
    if ((q.week === undefined) === (q.year === undefined)) throw new PeriodError(q.week === undefined ? 'week' : 'year', 'give either week or year (not both)');
    const period = q.week !== undefined ? parseIsoWeek(q.week) : parseYear(q.year!);
    const failed: PowerQualityReport['failed'] = [];
    let sensorType: string | null = null;
    let pgUp = true;
    try {
      sensorType = await this.series.sensorType(sensorId);
    } catch (err) {
      pgUp = false;
      failed.push({ store: 'postgres', error: messageOf(err) });
    }
    if (!pgUp) sensorType = await this.typeFromReadings(sensorId, period);
    if (sensorType === null) throw new SensorNotFoundError(sensorId);
    if (sensorType !== 'voltage' && sensorType !== 'frequency') throw new UnsupportedSensorError(sensorId, sensorType);
    const profile = EN50160_PROFILES[sensorType];
    const range = elapsedRange(period, profile.intervalSeconds, now);
    const withMeans = sensorType === 'voltage' && period.kind === 'week';
    const bands = profile.limits.map((l) => ({ low: l.low, high: l.high }));
    const base = { sensorId, sensorType, period, nominal: profile.nominal, unit: profile.unit, intervalSeconds: profile.intervalSeconds } as const;
    if (pgUp) {
      try {
        const summary =
          range.expected === 0
            ? { measured: 0, inBand: bands.map(() => 0), min: null, max: null, ...(withMeans ? { means: [] } : {}) }
            : await this.series.intervalMeans({ sensorId, intervalSeconds: profile.intervalSeconds, from: range.from, to: range.to, bands, withMeans });
        const behind = await this.postgresBehind();
        return { ...base, ...assess(profile, summary, range), method: methodOf(profile, 'postgres'), source: 'postgres', failed, behind, ...(summary.means ? { means: summary.means } : {}) };
      } catch (err) {
        failed.push({ store: 'postgres', error: messageOf(err) });
      }
    }
    if (period.kind === 'year') {
      throw new StorageReadError('a yearly report needs PostgreSQL (its aggregates); it could not answer', failed);
    }
    const acc = new IntervalAccumulator(profile.intervalSeconds, range.from, range.to);
    if (range.expected > 0) {
      for await (const page of this.storage.streamSensorData(sensorId, { from: range.from, to: range.to, source: 'cassandra' })) {
        for (const r of page) acc.add(r.timestamp.getTime(), r.value);
      }
    }
    const summary = acc.summary(bands, withMeans);
    return { ...base, ...assess(profile, summary, range), method: methodOf(profile, 'cassandra'), source: 'cassandra', failed, behind: false, ...(summary.means ? { means: summary.means } : {}) };
  }

  private async postgresBehind(): Promise<boolean> {
    try {
      const s = await this.storage.getBacklogStatus();
      return s.targets.postgres.entries > 0;
    } catch {
      return false;
    }
  }

  private async typeFromReadings(sensorId: string, period: ReportPeriod): Promise<string | null> {
    const r = await this.storage.getSensorData(sensorId, { from: period.from, to: period.to, limit: 1, source: 'cassandra' });
    return r.records[0]?.sensorType ?? null;
  }
}

function methodOf(p: QualityProfile, source: StoreName): string {
  const what = p.sensorType === 'voltage' ? '10-minute means' : '10-second means';
  if (source === 'cassandra') return `${what} of the raw readings (Cassandra), computed in the app`;
  return p.sensorType === 'voltage'
    ? `${what} from the PostgreSQL five-minute aggregates (sum / count of two buckets)`
    : `${what} of the raw readings, grouped in PostgreSQL (date_bin)`;
}
