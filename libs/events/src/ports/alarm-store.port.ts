import type { Alarm, NewAlarm } from '../domain/alarm.model';
import type { AlarmStatus, GridEvent, Severity, SourceKind } from '../domain/grid-event.model';

/** Where a batch of detections came from: the Kafka batch whose commit publishes them. */
export interface BatchTrigger {
  topic: string;
  partition: number;
  /** Offsets as Kafka gives them (strings of int64). */
  firstOffset: string;
  lastOffset: string;
}

/** How far evaluation got for one source, kept so another instance can take over. */
export interface EvaluationCheckpoint {
  sourceId: string;
  sourceKind: SourceKind;
  /** Timestamp of the last reading evaluated. */
  evaluatedThrough: Date;
  /** Newest reading seen. */
  lastReadingAt: Date;
  /** Learnt reporting interval (meters), or null. */
  intervalMs: number | null;
}

/** A checkpoint write: `evaluatedThrough` null leaves the stored one (only newer times replace older ones). */
export type CheckpointUpdate = Omit<EvaluationCheckpoint, 'evaluatedThrough'> & { evaluatedThrough: Date | null };

/** What a rebuild needs about some sources: their checkpoints and the alarms that may still matter. */
export interface SourcesState {
  checkpoints: Map<string, EvaluationCheckpoint>;
  /** Alarms of the sources whose episode is open or ended at or after `episodesSince`. */
  alarms: Alarm[];
}

export interface EpisodeEnd {
  alarmId: string;
  clearStartedAt: Date;
  endedAt: Date;
  /** The reading's value that ended it, for the event's details. */
  value: number | null;
}

/** What one batch detected (deterministic ids: the same readings give the same alarms and events). */
export interface Detections {
  raises: NewAlarm[];
  ends: EpisodeEnd[];
  /** One-off events (meter register events). */
  events: GridEvent[];
}

export interface AlarmQuery {
  status?: AlarmStatus;
  severity?: Severity;
  sourceId?: string;
  /** raisedAt ≥ from. */
  from?: Date;
  /** raisedAt < to. */
  to?: Date;
  limit: number;
  /** Keyset cursor: rows after this (raisedAt, id) in the newest-first order. */
  after?: { raisedAt: Date; alarmId: string };
}

/** How an operator's action comes to be. */
export interface OperatorAction {
  alarmId: string;
  actor: string;
  note?: string;
  at: Date;
}

/** A meter that reported last at `lastReadingAt` and, at its interval, should have reported again. */
export interface SilentMeter {
  meterId: string;
  lastReadingAt: Date;
  intervalMs: number;
}

/**
 * Alarms, the event ledger and evaluation checkpoints (PostgreSQL: the lifecycle needs
 * transactions — an alarm raised once whoever detects it, an acknowledgement that races a
 * clear). Every event is first recorded in the ledger with a delivery backlog entry for each
 * store (and for Kafka when it is not published with a batch), in the transaction that makes
 * it happen, so it is never lost; delivery follows.
 *
 * Errors: AlarmNotFoundError, AlarmTransitionError (from the domain); anything else means the
 * store is unavailable.
 */
export interface AlarmStore {
  /** Checkpoints of the sources, and their alarms open at or ended after `episodesSince`. */
  loadSources(kind: SourceKind, sourceIds: readonly string[], episodesSince: Date): Promise<SourcesState>;
  /**
   * Records detections in one transaction: new alarms, ended episodes (clearing the alarm
   * unless an operator did), one-off events. Returns the events to publish with the batch:
   * those recorded now, and those recorded earlier by an attempt at a batch that never
   * committed (their trigger lies in this batch's partition at or after its first offset; the
   * trigger moves to this batch). Events recorded under a batch that committed are not
   * returned again.
   */
  commitDetections(d: Detections, trigger: BatchTrigger): Promise<GridEvent[]>;
  saveCheckpoints(rows: readonly CheckpointUpdate[]): Promise<void>;
  /**
   * The batch that published these events committed: they are out on Kafka for good, and a
   * later re-read of the same offsets (an offset reset) must not publish them again.
   */
  markPublished(eventIds: readonly string[]): Promise<void>;

  list(q: AlarmQuery): Promise<Alarm[]>;
  get(alarmId: string): Promise<Alarm | null>;
  /**
   * Applies an operator action in one transaction (row locked), recording its event for
   * delivery to the stores and Kafka; `decide` is the domain rule (it throws when the status
   * does not allow the action).
   */
  operatorAction(action: OperatorAction, decide: (a: Alarm) => { alarm: Alarm; event: GridEvent }): Promise<{ alarm: Alarm; event: GridEvent }>;

  /** Raises alarms that have no open episode yet (ids are deterministic); returns their events. */
  raiseAlarms(alarms: readonly NewAlarm[], origin: EventOrigin): Promise<GridEvent[]>;
  /** Ends the given open episodes now (alarms cleared by `by` unless cleared already); returns the events. */
  endEpisodes(ends: readonly EpisodeEnd[], by: string, details: Record<string, unknown>, origin: EventOrigin): Promise<GridEvent[]>;
  /** Open alarms of `kind` (`rule` alarms whose rule is no longer enabled when `ruleGone`). */
  openAlarms(q: { kind: Alarm['kind']; ruleGone?: boolean; sourceIds?: readonly string[] }): Promise<Alarm[]>;
  /** Meters whose newest reading is older than `missedIntervals` of their interval at `now`, without an open no-data alarm. */
  silentMeters(now: Date, missedIntervals: number, defaultIntervalMs: number, limit: number): Promise<SilentMeter[]>;
  /** Newest reading time of each meter (from the checkpoints). */
  lastReadings(meterIds: readonly string[]): Promise<Map<string, Date>>;
  /** Runs `work` if no other instance holds the lock named `name`; false when one did. */
  exclusively(name: string, work: () => Promise<void>): Promise<boolean>;
}

/** Where an event came from (what delivers it to Kafka: the batch commit, or the backlog). */
export type EventOrigin = 'ingest' | 'operator' | 'watcher' | 'registry';

export const ALARM_STORE = Symbol('ALARM_STORE');
