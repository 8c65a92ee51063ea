import { EnvSettingsReader } from '@smartgrid/config';

export interface EventsSettings {
  /** Evaluate rules and meter checks on ingest (EVENTS_ENABLED). */
  evaluate: boolean;
  /** How late (ms, by timestamp) a sensor reading may arrive and still be evaluated in order. */
  sensorLatenessMs: number;
  /** The same for meter readings (meters report every few minutes: 0 evaluates each reading at once). */
  meterLatenessMs: number;
  /** After an outage or a takeover, evaluation catches up on at most this much of a source's history. */
  maxCatchUpMs: number;
  /** Meter interval assumed until one is learnt from the meter's own readings. */
  meterIntervalMs: number;
  /** A meter is silent (no-data alarm) after this many of its intervals without a reading. */
  meterMissedIntervals: number;
  /** A register that falls to at most this (kWh) was reset; any other fall runs backwards. */
  registerResetMaxKwh: number;
  /** Falls up to this (kWh) are rounding. */
  registerToleranceKwh: number;
  /** How often rules are reloaded when they changed elsewhere. */
  rulesRefreshMs: number;
  /** How often evaluation checkpoints are written (per partition). */
  checkpointIntervalMs: number;
  /** Period of the watcher (silent meters, alarms of removed rules, ledger pruning). */
  watcherIntervalMs: number;
  /** Period of the delivery replayer. */
  deliveryIntervalMs: number;
  /** Upper bound for one history store or Kafka call. */
  storeTimeoutMs: number;
  /** Delivered events stay in the ledger this long (redelivery and catch-up dedupe against it). */
  ledgerRetentionMs: number;
  replay: { entriesPerClaim: number; leaseMs: number; maxAttempts: number; backoffInitialMs: number; backoffMaxMs: number };
}

export const EVENTS_SETTINGS = Symbol('EVENTS_SETTINGS');

/** Reads EVENTS_* variables; throws ConfigValidationError naming every bad one. */
export function readEventsSettings(env: Record<string, string | undefined> = process.env): EventsSettings {
  const read = new EnvSettingsReader(env);
  return read.done<EventsSettings>({
    evaluate: read.bool('EVENTS_ENABLED', true),
    sensorLatenessMs: read.number('EVENTS_SENSOR_LATENESS_MS', 10_000, 0, 3_600_000),
    meterLatenessMs: read.number('EVENTS_METER_LATENESS_MS', 0, 0, 86_400_000),
    maxCatchUpMs: read.number('EVENTS_MAX_CATCH_UP_HOURS', 24, 1, 24 * 31) * 3_600_000,
    meterIntervalMs: read.number('EVENTS_METER_INTERVAL_SECONDS', 900, 1, 86_400) * 1000,
    meterMissedIntervals: read.number('EVENTS_METER_MISSED_INTERVALS', 3, 1, 1000),
    registerResetMaxKwh: read.number('EVENTS_REGISTER_RESET_MAX_KWH', 1, 0, 1_000_000, false),
    registerToleranceKwh: read.number('EVENTS_REGISTER_TOLERANCE_KWH', 0.001, 0, 1000, false),
    rulesRefreshMs: read.number('EVENTS_RULES_REFRESH_MS', 5000, 100, 600_000),
    checkpointIntervalMs: read.number('EVENTS_CHECKPOINT_INTERVAL_MS', 10_000, 100, 600_000),
    watcherIntervalMs: read.number('EVENTS_WATCHER_INTERVAL_MS', 30_000, 100, 3_600_000),
    deliveryIntervalMs: read.number('EVENTS_DELIVERY_INTERVAL_MS', 1000, 50, 600_000),
    storeTimeoutMs: 10_000,
    ledgerRetentionMs: read.number('EVENTS_LEDGER_RETENTION_DAYS', 7, 2, 3650) * 86_400_000,
    replay: { entriesPerClaim: 200, leaseMs: 60_000, maxAttempts: 8, backoffInitialMs: 1000, backoffMaxMs: 300_000 },
  });
}
