import { Injectable } from '@nestjs/common';
import { alarmFromNew, AlarmNotFoundError, endEpisode, eventFromJson, raisedEvent } from '@smartgrid/events';
import type {
  Alarm,
  AlarmQuery,
  AlarmStore,
  BatchTrigger,
  CheckpointUpdate,
  Detections,
  EpisodeEnd,
  EvaluationCheckpoint,
  EventOrigin,
  GridEvent,
  NewAlarm,
  OperatorAction,
  SilentMeter,
  SourceKind,
  SourcesState,
} from '@smartgrid/events';
import { DataSource, EntityManager } from 'typeorm';
import { PostgresConnection } from '../postgres.connection';
import { insertEvents } from './event-rows.util';
import { ALARM_COLUMNS, AlarmRow, EventsMapper } from './events.mapper';

interface CheckpointRow {
  source_id: string;
  source_kind: SourceKind;
  evaluated_through: Date | null;
  last_reading_at: Date;
  interval_ms: string | null;
}

/**
 * AlarmStore over `alarms`, `grid_events` (+ deliveries) and `event_checkpoints`. Every change
 * of an alarm and the event it makes are written in one transaction, the alarm row locked, so
 * an alarm is raised once whoever detects it and an acknowledgement that races a clear comes
 * out as one of the two orders.
 */
@Injectable()
export class PostgresAlarmStore implements AlarmStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: PostgresConnection,
  ) {}

  async loadSources(kind: SourceKind, sourceIds: readonly string[], episodesSince: Date): Promise<SourcesState> {
    this.connection.assertReady();
    const ids = [...sourceIds];
    const [cps, alarms] = await Promise.all([
      this.dataSource.query(
        `SELECT source_id, source_kind, evaluated_through, last_reading_at, interval_ms
           FROM event_checkpoints WHERE source_kind = $1 AND source_id = ANY($2::text[])`,
        [kind, ids],
      ) as Promise<CheckpointRow[]>,
      this.dataSource.query(
        `SELECT ${ALARM_COLUMNS} FROM alarms
          WHERE source_kind = $1 AND source_id = ANY($2::text[]) AND (episode_ended_at IS NULL OR episode_ended_at >= $3)`,
        [kind, ids, episodesSince.toISOString()],
      ) as Promise<AlarmRow[]>,
    ]);
    const checkpoints = new Map<string, EvaluationCheckpoint>();
    for (const c of cps) {
      // A checkpoint written before any batch was known committed has no evaluated time yet.
      if (c.evaluated_through === null) continue;
      checkpoints.set(c.source_id, {
        sourceId: c.source_id,
        sourceKind: c.source_kind,
        evaluatedThrough: c.evaluated_through,
        lastReadingAt: c.last_reading_at,
        intervalMs: c.interval_ms === null ? null : Number(c.interval_ms),
      });
    }
    return { checkpoints, alarms: alarms.map(EventsMapper.alarmToDomain) };
  }

  async commitDetections(d: Detections, trigger: BatchTrigger): Promise<GridEvent[]> {
    this.connection.assertReady();
    return this.dataSource.transaction(async (m) => {
      const events: GridEvent[] = [];
      events.push(...(await this.insertAlarms(m, d.raises)));
      for (const end of d.ends) {
        const e = await this.endOne(m, end, 'rule', end.value === null ? {} : { value: end.value });
        if (e) events.push(e);
      }
      events.push(...d.events);
      const fresh = await insertEvents(m, events, 'ingest', trigger);
      // Recorded by an earlier attempt at this batch that never committed (its publish was
      // lost with it): published with this batch, which now owns them.
      const earlier: { payload: Record<string, unknown> }[] = await m.query(
        `WITH moved AS (
           UPDATE grid_events SET trigger_offset = $4
            WHERE trigger_topic = $1 AND trigger_partition = $2 AND trigger_offset >= $3 AND trigger_offset <= $4
              AND NOT (event_id = ANY($5::uuid[]))
            RETURNING payload
         )
         SELECT payload FROM moved`,
        [trigger.topic, trigger.partition, trigger.firstOffset, trigger.lastOffset, [...fresh]],
      );
      const out = events.filter((e) => fresh.has(e.eventId));
      const seen = new Set(out.map((e) => e.eventId));
      for (const r of earlier) {
        const e = eventFromJson(r.payload);
        if (!seen.has(e.eventId)) out.push(e);
        seen.add(e.eventId);
      }
      return [...new Map(out.map((e) => [e.eventId, e])).values()];
    });
  }

  async saveCheckpoints(rows: readonly CheckpointUpdate[]): Promise<void> {
    if (rows.length === 0) return;
    this.connection.assertReady();
    // Times only move forward, whatever order instances write in.
    await this.dataSource.query(
      `INSERT INTO event_checkpoints AS c (source_kind, source_id, evaluated_through, last_reading_at, interval_ms)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bigint[])
       ORDER BY 1, 2
       ON CONFLICT (source_kind, source_id) DO UPDATE SET
         evaluated_through = CASE WHEN c.evaluated_through IS NULL THEN EXCLUDED.evaluated_through
                                  WHEN EXCLUDED.evaluated_through IS NULL THEN c.evaluated_through
                                  ELSE GREATEST(c.evaluated_through, EXCLUDED.evaluated_through) END,
         last_reading_at = GREATEST(c.last_reading_at, EXCLUDED.last_reading_at),
         interval_ms = coalesce(EXCLUDED.interval_ms, c.interval_ms),
         updated_at = now()`,
      [
        rows.map((r) => r.sourceKind),
        rows.map((r) => r.sourceId),
        rows.map((r) => r.evaluatedThrough?.toISOString() ?? null),
        rows.map((r) => r.lastReadingAt.toISOString()),
        rows.map((r) => (r.intervalMs === null ? null : Math.round(r.intervalMs))),
      ],
    );
  }

  async markPublished(eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    this.connection.assertReady();
    // Without a trigger an event is never handed to a later batch to publish.
    await this.dataSource.query(
      'UPDATE grid_events SET trigger_topic = NULL, trigger_partition = NULL, trigger_offset = NULL WHERE event_id = ANY($1::uuid[])',
      [[...eventIds]],
    );
  }

  async list(q: AlarmQuery): Promise<Alarm[]> {
    this.connection.assertReady();
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown): void => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.status) add('status = ?', q.status);
    if (q.severity) add('severity = ?', q.severity);
    if (q.sourceId) add('source_id = ?', q.sourceId);
    if (q.from) add('raised_at >= ?', q.from.toISOString());
    if (q.to) add('raised_at < ?', q.to.toISOString());
    if (q.after) {
      params.push(q.after.raisedAt.toISOString(), q.after.alarmId);
      where.push(`(raised_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(q.limit);
    const rows: AlarmRow[] = await this.dataSource.query(
      `SELECT ${ALARM_COLUMNS} FROM alarms ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY raised_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(EventsMapper.alarmToDomain);
  }

  async get(alarmId: string): Promise<Alarm | null> {
    this.connection.assertReady();
    const rows: AlarmRow[] = await this.dataSource.query(`SELECT ${ALARM_COLUMNS} FROM alarms WHERE id = $1`, [alarmId]);
    return rows[0] ? EventsMapper.alarmToDomain(rows[0]) : null;
  }

  async operatorAction(action: OperatorAction, decide: (a: Alarm) => { alarm: Alarm; event: GridEvent }): Promise<{ alarm: Alarm; event: GridEvent }> {
    this.connection.assertReady();
    return this.dataSource.transaction(async (m) => {
      const rows: AlarmRow[] = await m.query(`SELECT ${ALARM_COLUMNS} FROM alarms WHERE id = $1 FOR UPDATE`, [action.alarmId]);
      if (!rows[0]) throw new AlarmNotFoundError(action.alarmId);
      const done = decide(EventsMapper.alarmToDomain(rows[0]));
      await this.writeAlarm(m, done.alarm);
      await insertEvents(m, [done.event], 'operator');
      return done;
    });
  }

  async raiseAlarms(alarms: readonly NewAlarm[], origin: EventOrigin): Promise<GridEvent[]> {
    if (alarms.length === 0) return [];
    this.connection.assertReady();
    return this.dataSource.transaction(async (m) => {
      const events = await this.insertAlarms(m, alarms);
      await insertEvents(m, events, origin);
      return events;
    });
  }

  async endEpisodes(ends: readonly EpisodeEnd[], by: string, details: Record<string, unknown>, origin: EventOrigin): Promise<GridEvent[]> {
    if (ends.length === 0) return [];
    this.connection.assertReady();
    return this.dataSource.transaction(async (m) => {
      const events: GridEvent[] = [];
      for (const end of ends) {
        const e = await this.endOne(m, end, by, details);
        if (e) events.push(e);
      }
      await insertEvents(m, events, origin);
      return events;
    });
  }

  async openAlarms(q: { kind: Alarm['kind']; ruleGone?: boolean; sourceIds?: readonly string[] }): Promise<Alarm[]> {
    this.connection.assertReady();
    const params: unknown[] = [q.kind];
    let sql = `SELECT ${ALARM_COLUMNS} FROM alarms a WHERE kind = $1 AND episode_ended_at IS NULL`;
    if (q.ruleGone) sql += ' AND NOT EXISTS (SELECT 1 FROM alarm_rules r WHERE r.id = a.rule_id AND r.enabled)';
    if (q.sourceIds) {
      params.push([...q.sourceIds]);
      sql += ` AND source_id = ANY($${params.length}::text[])`;
    }
    const rows: AlarmRow[] = await this.dataSource.query(`${sql} ORDER BY raised_at LIMIT 1000`, params);
    return rows.map(EventsMapper.alarmToDomain);
  }

  async silentMeters(now: Date, missedIntervals: number, defaultIntervalMs: number, limit: number): Promise<SilentMeter[]> {
    this.connection.assertReady();
    const rows: { source_id: string; last_reading_at: Date; interval_ms: string }[] = await this.dataSource.query(
      `SELECT c.source_id, c.last_reading_at, coalesce(c.interval_ms, $3) AS interval_ms
         FROM event_checkpoints c
        WHERE c.source_kind = 'meter'
          AND c.last_reading_at < $1::timestamptz - make_interval(secs => $2 * coalesce(c.interval_ms, $3)::float8 / 1000)
          AND NOT EXISTS (SELECT 1 FROM alarms a WHERE a.kind = 'meter.no_data' AND a.source_id = c.source_id
                             AND (a.episode_ended_at IS NULL OR a.episode_started_at = c.last_reading_at))
        ORDER BY c.last_reading_at
        LIMIT $4`,
      [now.toISOString(), missedIntervals, defaultIntervalMs, limit],
    );
    return rows.map((r) => ({ meterId: r.source_id, lastReadingAt: r.last_reading_at, intervalMs: Number(r.interval_ms) }));
  }

  async lastReadings(meterIds: readonly string[]): Promise<Map<string, Date>> {
    this.connection.assertReady();
    const rows: { source_id: string; last_reading_at: Date }[] = await this.dataSource.query(
      "SELECT source_id, last_reading_at FROM event_checkpoints WHERE source_kind = 'meter' AND source_id = ANY($1::text[])",
      [[...meterIds]],
    );
    return new Map(rows.map((r) => [r.source_id, r.last_reading_at]));
  }

  async exclusively(name: string, work: () => Promise<void>): Promise<boolean> {
    this.connection.assertReady();
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const got: { ok: boolean }[] = await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [name]);
      if (!got[0]?.ok) return false;
      try {
        await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [name]).catch(() => undefined);
      }
      return true;
    } finally {
      await runner.release();
    }
  }

  /** Inserts alarms not there yet (by id); returns the raise events of those inserted. */
  private async insertAlarms(m: EntityManager, alarms: readonly NewAlarm[]): Promise<GridEvent[]> {
    if (alarms.length === 0) return [];
    const unique = [...new Map(alarms.map((a) => [a.alarmId, a])).values()];
    const rows: { id: string }[] = await m.query(
      `INSERT INTO alarms (id, kind, rule_id, rule_name, source_id, source_kind, severity, status, episode_started_at, raised_at,
                           raise_value, details, updated_at)
       SELECT a.id, a.kind, r.id, a.rule_name, a.source_id, a.source_kind, a.severity, 'active', a.episode_started_at, a.raised_at,
              a.raise_value, a.details, a.raised_at
         FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
                     $9::timestamptz[], $10::float8[], $11::jsonb[])
              AS a(id, kind, rule_id, rule_name, source_id, source_kind, severity, episode_started_at, raised_at, raise_value, details)
        -- A rule deleted meanwhile: its alarm keeps its name, without the reference.
        LEFT JOIN alarm_rules r ON r.id = a.rule_id
        ORDER BY a.id
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        unique.map((a) => a.alarmId),
        unique.map((a) => a.kind),
        unique.map((a) => a.ruleId),
        unique.map((a) => a.ruleName),
        unique.map((a) => a.sourceId),
        unique.map((a) => a.sourceKind),
        unique.map((a) => a.severity),
        unique.map((a) => a.episodeStartedAt.toISOString()),
        unique.map((a) => a.raisedAt.toISOString()),
        unique.map((a) => a.raiseValue),
        unique.map((a) => JSON.stringify(a.details)),
      ],
    );
    const inserted = new Set(rows.map((r) => r.id));
    return unique.filter((a) => inserted.has(a.alarmId)).map((a) => raisedEvent(alarmFromNew(a)));
  }

  /** Ends one open episode (row locked); the clear event, or null (already ended, cleared by an operator, unknown). */
  private async endOne(m: EntityManager, end: EpisodeEnd, by: string, details: Record<string, unknown>): Promise<GridEvent | null> {
    const rows: AlarmRow[] = await m.query(`SELECT ${ALARM_COLUMNS} FROM alarms WHERE id = $1 FOR UPDATE`, [end.alarmId]);
    if (!rows[0] || rows[0].episode_ended_at !== null) return null;
    const done = endEpisode(EventsMapper.alarmToDomain(rows[0]), end.clearStartedAt, end.endedAt, by, details);
    await this.writeAlarm(m, done.alarm);
    return done.event;
  }

  private async writeAlarm(m: EntityManager, a: Alarm): Promise<void> {
    await m.query(
      `UPDATE alarms SET status = $2, acknowledged_at = $3, acknowledged_by = $4, cleared_at = $5, cleared_by = $6, notes = $7,
                         clear_started_at = $8, episode_ended_at = $9, version = $10, updated_at = $11
        WHERE id = $1`,
      [
        a.alarmId,
        a.status,
        a.acknowledgedAt?.toISOString() ?? null,
        a.acknowledgedBy,
        a.clearedAt?.toISOString() ?? null,
        a.clearedBy,
        EventsMapper.notesToPersistence(a.notes),
        a.clearStartedAt?.toISOString() ?? null,
        a.episodeEndedAt?.toISOString() ?? null,
        a.version,
        a.updatedAt.toISOString(),
      ],
    );
  }
}
