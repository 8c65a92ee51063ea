import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Daily energy consumption per meter, derived from the cumulative `energy_kwh` register and
 * kept by triggers on `meter_readings`; per-customer figures are sums over the customer's
 * meters (index on customer_id, day). Days are UTC days.
 *
 * How a day's consumption is derived (recomputed from the stored readings, so the result
 * never depends on arrival order or on how often a reading was delivered):
 * - consecutive readings (by timestamp) of a meter form intervals; an interval's consumption
 *   is the register increase;
 * - a register that goes down is a reset (meter replaced, register rolled over): the interval
 *   counts the new register value, i.e. consumption since the reset from zero; the tail
 *   before the reset is unknown and not guessed. `register_resets` counts them per day;
 * - gaps: an interval spanning several days (late readings, an outage, midnight) is split
 *   over those days in proportion to the time each covers (linear interpolation);
 * - a reading that arrives out of order splits the interval it falls in; the trigger
 *   recomputes every day from the stored neighbour before the new readings to the stored
 *   neighbour after them.
 * `readings` counts readings with a timestamp in that day; `customer_id` is the customer on
 * the day's latest interval (or reading).
 *
 * Concurrency: a meter's readings normally come from one Kafka partition, but backlog replay
 * and repairs can write the same meter at the same time. Each trigger first locks the meters'
 * rows in `consumption_meters` (row locks, in id order), then recomputes in a new statement
 * whose snapshot includes whatever the previous lock holder committed.
 */
export class CreateConsumptionAggregates1795800000001 implements MigrationInterface {
  name = 'CreateConsumptionAggregates1795800000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consumption_aggregates (
        meter_id         text             NOT NULL,
        day              date             NOT NULL,
        customer_id      text             NOT NULL,
        consumption_kwh  double precision NOT NULL,
        readings         integer          NOT NULL,
        register_resets  integer          NOT NULL,
        updated_at       timestamptz      NOT NULL DEFAULT now(),
        PRIMARY KEY (meter_id, day)
      )`);
    await q.query('CREATE INDEX consumption_aggregates_customer_day ON consumption_aggregates (customer_id, day)');
    await q.query(`CREATE TABLE consumption_meters (meter_id text PRIMARY KEY)`);

    // Recomputes, for each i, meter p_meters[i] on UTC days p_from[i]..p_to[i] (inclusive).
    await q.query(`
      CREATE FUNCTION consumption_recompute(p_meters text[], p_from date[], p_to date[]) RETURNS void
      LANGUAGE sql AS $fn$
        WITH want AS (
          SELECT u.meter_id, u.d0, u.d1,
                 u.d0::timestamp AT TIME ZONE 'UTC' AS t0,
                 (u.d1 + 1)::timestamp AT TIME ZONE 'UTC' AS t1
            FROM unnest(p_meters, p_from, p_to) AS u(meter_id, d0, d1)
        ), lim AS (
          -- one reading either side of the days, so intervals crossing their edges are whole
          SELECT w.*,
                 COALESCE((SELECT max(r.ts) FROM meter_readings r WHERE r.meter_id = w.meter_id AND r.ts < w.t0), w.t0) AS lo,
                 COALESCE((SELECT min(r.ts) FROM meter_readings r WHERE r.meter_id = w.meter_id AND r.ts >= w.t1), w.t1) AS hi
            FROM want w
        ), seq AS (
          SELECT r.meter_id, r.ts, r.energy_kwh, r.customer_id,
                 lag(r.ts) OVER w AS prev_ts, lag(r.energy_kwh) OVER w AS prev_kwh
            FROM lim JOIN meter_readings r ON r.meter_id = lim.meter_id AND r.ts >= lim.lo AND r.ts <= lim.hi
          WINDOW w AS (PARTITION BY r.meter_id ORDER BY r.ts)
        ), intervals AS (
          SELECT meter_id, prev_ts AS a, ts AS b, customer_id,
                 CASE WHEN energy_kwh >= prev_kwh THEN energy_kwh - prev_kwh ELSE energy_kwh END AS delta,
                 energy_kwh < prev_kwh AS reset
            FROM seq WHERE prev_ts IS NOT NULL
        ), pieces AS (
          SELECT i.meter_id, (d AT TIME ZONE 'UTC')::date AS day, i.b, i.customer_id,
                 i.reset AND i.b < d + interval '1 day' AS reset_here,
                 i.delta * EXTRACT(EPOCH FROM (LEAST(i.b, d + interval '1 day') - GREATEST(i.a, d)))
                         / EXTRACT(EPOCH FROM (i.b - i.a)) AS kwh
            FROM intervals i
           CROSS JOIN LATERAL generate_series(date_trunc('day', i.a, 'UTC'), date_trunc('day', i.b, 'UTC'), interval '1 day') AS d
           WHERE LEAST(i.b, d + interval '1 day') > GREATEST(i.a, d)
        ), per_day AS (
          SELECT p.meter_id, p.day, sum(p.kwh) AS kwh, count(*) FILTER (WHERE p.reset_here) AS resets,
                 (array_agg(p.customer_id ORDER BY p.b DESC))[1] AS customer_id
            FROM pieces p JOIN want w ON w.meter_id = p.meter_id AND p.day BETWEEN w.d0 AND w.d1
           GROUP BY 1, 2
        ), readings_per_day AS (
          SELECT s.meter_id, (s.ts AT TIME ZONE 'UTC')::date AS day, count(*) AS n,
                 (array_agg(s.customer_id ORDER BY s.ts DESC))[1] AS customer_id
            FROM seq s JOIN want w ON w.meter_id = s.meter_id AND s.ts >= w.t0 AND s.ts < w.t1
           GROUP BY 1, 2
        )
        INSERT INTO consumption_aggregates AS c (meter_id, day, customer_id, consumption_kwh, readings, register_resets, updated_at)
        SELECT COALESCE(p.meter_id, r.meter_id), COALESCE(p.day, r.day), COALESCE(p.customer_id, r.customer_id),
               COALESCE(p.kwh, 0), COALESCE(r.n, 0), COALESCE(p.resets, 0), now()
          FROM per_day p FULL JOIN readings_per_day r ON r.meter_id = p.meter_id AND r.day = p.day
         ORDER BY 1, 2
        ON CONFLICT (meter_id, day) DO UPDATE
           SET customer_id = EXCLUDED.customer_id, consumption_kwh = EXCLUDED.consumption_kwh,
               readings = EXCLUDED.readings, register_resets = EXCLUDED.register_resets, updated_at = EXCLUDED.updated_at
      $fn$`);

    // Locks the meters, then recomputes the days between each meter's stored neighbours of
    // the changed readings (given as meter_id, min ts, max ts).
    await q.query(`
      CREATE FUNCTION consumption_refresh(p_meters text[], p_tmin timestamptz[], p_tmax timestamptz[]) RETURNS void
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_meters text[];
        v_from date[];
        v_to date[];
      BEGIN
        INSERT INTO consumption_meters (meter_id)
        SELECT DISTINCT m FROM unnest(p_meters) AS m ORDER BY 1
        ON CONFLICT DO NOTHING;
        PERFORM 1 FROM consumption_meters WHERE meter_id = ANY (p_meters) ORDER BY meter_id FOR UPDATE;
        SELECT array_agg(u.meter_id),
               array_agg((COALESCE((SELECT max(r.ts) FROM meter_readings r WHERE r.meter_id = u.meter_id AND r.ts < u.tmin), u.tmin) AT TIME ZONE 'UTC')::date),
               array_agg((COALESCE((SELECT min(r.ts) FROM meter_readings r WHERE r.meter_id = u.meter_id AND r.ts > u.tmax), u.tmax) AT TIME ZONE 'UTC')::date)
          INTO v_meters, v_from, v_to
          FROM unnest(p_meters, p_tmin, p_tmax) AS u(meter_id, tmin, tmax);
        PERFORM consumption_recompute(v_meters, v_from, v_to);
      END
      $fn$`);

    await q.query(`
      CREATE FUNCTION consumption_aggregates_on_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE
        v_meters text[];
        v_tmin timestamptz[];
        v_tmax timestamptz[];
      BEGIN
        SELECT array_agg(meter_id ORDER BY meter_id), array_agg(tmin ORDER BY meter_id), array_agg(tmax ORDER BY meter_id)
          INTO v_meters, v_tmin, v_tmax
          FROM (SELECT meter_id, min(ts) AS tmin, max(ts) AS tmax FROM inserted_rows GROUP BY meter_id) t;
        IF v_meters IS NOT NULL THEN
          PERFORM consumption_refresh(v_meters, v_tmin, v_tmax);
        END IF;
        RETURN NULL;
      END
      $fn$`);

    await q.query(`
      CREATE FUNCTION consumption_aggregates_on_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE
        v_meters text[];
        v_tmin timestamptz[];
        v_tmax timestamptz[];
      BEGIN
        -- Redelivered readings arrive here unchanged: nothing to do.
        SELECT array_agg(meter_id ORDER BY meter_id), array_agg(tmin ORDER BY meter_id), array_agg(tmax ORDER BY meter_id)
          INTO v_meters, v_tmin, v_tmax
          FROM (SELECT n.meter_id, min(n.ts) AS tmin, max(n.ts) AS tmax
                  FROM old_rows o JOIN new_rows n ON n.meter_id = o.meter_id AND n.ts = o.ts
                 WHERE o.energy_kwh IS DISTINCT FROM n.energy_kwh OR o.customer_id IS DISTINCT FROM n.customer_id
                 GROUP BY n.meter_id) t;
        IF v_meters IS NOT NULL THEN
          PERFORM consumption_refresh(v_meters, v_tmin, v_tmax);
        END IF;
        RETURN NULL;
      END
      $fn$`);

    await q.query(`
      CREATE TRIGGER meter_readings_consumption_insert AFTER INSERT ON meter_readings
        REFERENCING NEW TABLE AS inserted_rows
        FOR EACH STATEMENT EXECUTE FUNCTION consumption_aggregates_on_insert()`);
    await q.query(`
      CREATE TRIGGER meter_readings_consumption_update AFTER UPDATE ON meter_readings
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION consumption_aggregates_on_update()`);

    // Readings already stored before this migration.
    await q.query(`
      SELECT consumption_refresh(array_agg(meter_id), array_agg(tmin), array_agg(tmax))
        FROM (SELECT meter_id, min(ts) AS tmin, max(ts) AS tmax FROM meter_readings GROUP BY meter_id) t
      HAVING count(*) > 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER IF EXISTS meter_readings_consumption_update ON meter_readings');
    await q.query('DROP TRIGGER IF EXISTS meter_readings_consumption_insert ON meter_readings');
    await q.query('DROP FUNCTION IF EXISTS consumption_aggregates_on_update()');
    await q.query('DROP FUNCTION IF EXISTS consumption_aggregates_on_insert()');
    await q.query('DROP FUNCTION IF EXISTS consumption_refresh(text[], timestamptz[], timestamptz[])');
    await q.query('DROP FUNCTION IF EXISTS consumption_recompute(text[], date[], date[])');
    await q.query('DROP TABLE IF EXISTS consumption_meters');
    await q.query('DROP TABLE IF EXISTS consumption_aggregates');
  }
}
