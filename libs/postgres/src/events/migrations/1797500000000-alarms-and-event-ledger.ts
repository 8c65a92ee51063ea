import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alarm rules, alarms, the event ledger with its delivery backlog, and evaluation checkpoints.
 *
 * - `alarm_rules`: operator-managed threshold rules (JSON selector and conditions, checked by
 *   the app); two built-in EN 50160 rules ship disabled.
 * - `alarms`: each alarm's lifecycle (status, acknowledgement, clear, notes) and its episode in
 *   event time (when the raising run began, when the clear condition ended it), which is what
 *   evaluation state is rebuilt from. Ids are derived from rule, source and run start, so an
 *   alarm detected twice is one row.
 * - `grid_events`: every event once (id derived from what it is), with the Kafka position of
 *   the batch that publishes it until that batch is known committed, so a batch delivered again
 *   publishes again only what its own uncommitted attempt recorded. Pruned some days after delivery.
 * - `grid_event_deliveries`: the backlog of events a history store (or Kafka, for events no
 *   batch publishes) has not taken yet; rows go when delivered, or stay `refused` with the
 *   reason. Claims lease rows under FOR UPDATE SKIP LOCKED.
 * - `event_checkpoints`: per source, how far evaluation got and the newest reading seen
 *   (also what the no-data watcher reads).
 */
export class AlarmsAndEventLedger1797500000000 implements MigrationInterface {
  name = 'AlarmsAndEventLedger1797500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alarm_rules (
        id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        builtin         text        UNIQUE,
        name            text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        description     text        CHECK (length(description) <= 2000),
        enabled         boolean     NOT NULL DEFAULT false,
        selector        jsonb       NOT NULL,
        condition       jsonb       NOT NULL,
        clear_condition jsonb       NOT NULL,
        severity        text        NOT NULL CHECK (severity IN ('critical', 'major', 'minor', 'warning')),
        version         integer     NOT NULL DEFAULT 1,
        active_from     timestamptz NOT NULL DEFAULT now(),
        created_at      timestamptz NOT NULL DEFAULT now(),
        created_by      text        NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        updated_by      text        NOT NULL
      )`);
    await q.query(`
      INSERT INTO alarm_rules (builtin, name, description, enabled, selector, condition, clear_condition, severity, created_by, updated_by) VALUES
      ('en50160-voltage', 'EN 50160 supply voltage outside 230 V ± 10 %',
       'Voltage outside 207–253 V for 60 s; clears back inside 209–251 V for 30 s.', false,
       '{"sensorType": "voltage"}', '{"op": "outside", "low": 207, "high": 253, "minDurationSeconds": 60}',
       '{"low": 209, "high": 251, "minDurationSeconds": 30}', 'major', 'system', 'system'),
      ('en50160-frequency', 'EN 50160 frequency outside 50 Hz ± 1 %',
       'Frequency outside 49.5–50.5 Hz for 10 s; clears back inside 49.6–50.4 Hz for 10 s.', false,
       '{"sensorType": "frequency"}', '{"op": "outside", "low": 49.5, "high": 50.5, "minDurationSeconds": 10}',
       '{"low": 49.6, "high": 50.4, "minDurationSeconds": 10}', 'major', 'system', 'system')`);

    await q.query(`
      CREATE TABLE alarms (
        id                 uuid             PRIMARY KEY,
        kind               text             NOT NULL CHECK (kind IN ('rule', 'meter.no_data')),
        rule_id            uuid             REFERENCES alarm_rules (id) ON DELETE SET NULL,
        rule_name          text,
        source_id          text             NOT NULL,
        source_kind        text             NOT NULL CHECK (source_kind IN ('sensor', 'meter')),
        severity           text             NOT NULL CHECK (severity IN ('critical', 'major', 'minor', 'warning')),
        status             text             NOT NULL CHECK (status IN ('active', 'acknowledged', 'cleared')),
        episode_started_at timestamptz      NOT NULL,
        raised_at          timestamptz      NOT NULL,
        raise_value        double precision,
        clear_started_at   timestamptz,
        episode_ended_at   timestamptz,
        acknowledged_at    timestamptz,
        acknowledged_by    text,
        cleared_at         timestamptz,
        cleared_by         text,
        notes              jsonb            NOT NULL DEFAULT '[]'::jsonb,
        details            jsonb            NOT NULL DEFAULT '{}'::jsonb,
        version            integer          NOT NULL DEFAULT 1,
        updated_at         timestamptz      NOT NULL DEFAULT now()
      )`);
    // The list, newest raise first, filtered by status, severity or source; keyset on (raised_at, id).
    await q.query('CREATE INDEX alarms_raised_idx ON alarms (raised_at DESC, id DESC)');
    await q.query('CREATE INDEX alarms_status_raised_idx ON alarms (status, raised_at DESC, id DESC)');
    await q.query('CREATE INDEX alarms_severity_raised_idx ON alarms (severity, raised_at DESC, id DESC)');
    await q.query('CREATE INDEX alarms_source_raised_idx ON alarms (source_id, raised_at DESC, id DESC)');
    // Open episodes: rebuilds, the watcher, alarms of rules that went away.
    await q.query('CREATE INDEX alarms_open_idx ON alarms (kind, source_id) WHERE episode_ended_at IS NULL');

    await q.query(`
      CREATE TABLE grid_events (
        event_id          uuid        PRIMARY KEY,
        source_id         text        NOT NULL,
        type              text        NOT NULL,
        ts                timestamptz NOT NULL,
        payload           jsonb       NOT NULL,
        origin            text        NOT NULL CHECK (origin IN ('ingest', 'operator', 'watcher', 'registry')),
        trigger_topic     text,
        trigger_partition integer,
        trigger_offset    bigint,
        recorded_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX grid_events_recorded_idx ON grid_events (recorded_at)');
    await q.query(`
      CREATE TABLE grid_event_deliveries (
        id           bigserial   PRIMARY KEY,
        event_id     uuid        NOT NULL REFERENCES grid_events (event_id) ON DELETE CASCADE,
        target       text        NOT NULL CHECK (target IN ('cassandra', 'mongodb', 'kafka')),
        state        text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'refused')),
        attempts     integer     NOT NULL DEFAULT 0,
        retry_at     timestamptz,
        leased_until timestamptz,
        last_error   text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        UNIQUE (event_id, target)
      )`);
    await q.query("CREATE INDEX grid_event_deliveries_pending_idx ON grid_event_deliveries (target, id) WHERE state = 'pending'");

    await q.query(`
      CREATE TABLE event_checkpoints (
        source_kind       text        NOT NULL CHECK (source_kind IN ('sensor', 'meter')),
        source_id         text        NOT NULL,
        evaluated_through timestamptz,
        last_reading_at   timestamptz NOT NULL,
        interval_ms       bigint,
        updated_at        timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source_kind, source_id)
      )`);
    await q.query("CREATE INDEX event_checkpoints_meter_last_idx ON event_checkpoints (last_reading_at) WHERE source_kind = 'meter'");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS event_checkpoints');
    await q.query('DROP TABLE IF EXISTS grid_event_deliveries');
    await q.query('DROP TABLE IF EXISTS grid_events');
    await q.query('DROP TABLE IF EXISTS alarms');
    await q.query('DROP TABLE IF EXISTS alarm_rules');
  }
}
