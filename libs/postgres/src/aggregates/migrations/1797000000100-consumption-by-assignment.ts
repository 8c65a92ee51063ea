import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consumption attributed by the registry's meter assignments (`meter_assignments`, see
 * GridRegistry1797000000000) instead of the customer a reading names.
 *
 * - `consumption_aggregates` is keyed by (meter, UTC day, customer): a meter moved to another
 *   customer at 12:00 splits that day between the two.
 * - `consumption_recompute` cuts each register interval at UTC midnights *and* at assignment
 *   boundaries, in proportion to time as before; each piece goes to the customer assigned at
 *   that time. Where no assignment covers a time (an operator registered the meter without a
 *   customer, or before its first assignment) the piece goes to the customer the closing
 *   reading names. A reading counts for the customer assigned at its timestamp; a register
 *   reset counts on the piece its closing reading ends. Days are recomputed whole (rows of a
 *   customer that no longer gets anything that day are removed).
 * - A change to `meter_assignments` (insert, update, delete) recomputes the days it affects:
 *   from each changed assignment's start to the next assignment's start, clamped to the
 *   meter's readings, plus the register intervals that cross those edges.
 * - Fixes a register reset whose closing reading falls exactly on a UTC midnight, which the
 *   previous version counted on no day.
 */
export class ConsumptionByAssignment1797000000100 implements MigrationInterface {
  name = 'ConsumptionByAssignment1797000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE consumption_aggregates DROP CONSTRAINT consumption_aggregates_pkey');
    await q.query('ALTER TABLE consumption_aggregates ADD PRIMARY KEY (meter_id, day, customer_id)');

    await q.query(`
      CREATE OR REPLACE FUNCTION consumption_recompute(p_meters text[], p_from date[], p_to date[]) RETURNS void
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
        ), periods AS (
          -- the registry's assignments as [p0, p1), plus the time before the first one (no customer)
          SELECT a.meter_id, a.valid_from AS p0,
                 COALESCE(lead(a.valid_from) OVER (PARTITION BY a.meter_id ORDER BY a.valid_from), 'infinity'::timestamptz) AS p1,
                 a.customer_id
            FROM meter_assignments a WHERE a.meter_id IN (SELECT meter_id FROM want)
          UNION ALL
          SELECT m.meter_id, '-infinity'::timestamptz,
                 COALESCE((SELECT min(x.valid_from) FROM meter_assignments x WHERE x.meter_id = m.meter_id), 'infinity'::timestamptz),
                 NULL
            FROM (SELECT DISTINCT meter_id FROM want) m
        ), pieces AS (
          SELECT i.meter_id, (d AT TIME ZONE 'UTC')::date AS day,
                 COALESCE(p.customer_id, i.customer_id) AS customer_id,
                 i.reset AND i.b <= d + interval '1 day' AND i.b <= p.p1 AS reset_here,
                 i.delta * EXTRACT(EPOCH FROM (LEAST(i.b, d + interval '1 day', p.p1) - GREATEST(i.a, d, p.p0)))
                         / EXTRACT(EPOCH FROM (i.b - i.a)) AS kwh
            FROM intervals i
           CROSS JOIN LATERAL generate_series(date_trunc('day', i.a, 'UTC'), date_trunc('day', i.b, 'UTC'), interval '1 day') AS d
            JOIN periods p ON p.meter_id = i.meter_id AND p.p0 < i.b AND p.p1 > i.a
           WHERE LEAST(i.b, d + interval '1 day', p.p1) > GREATEST(i.a, d, p.p0)
        ), per_day AS (
          SELECT p.meter_id, p.day, p.customer_id, sum(p.kwh) AS kwh, count(*) FILTER (WHERE p.reset_here) AS resets
            FROM pieces p JOIN want w ON w.meter_id = p.meter_id AND p.day BETWEEN w.d0 AND w.d1
           GROUP BY 1, 2, 3
        ), readings_per_day AS (
          SELECT s.meter_id, (s.ts AT TIME ZONE 'UTC')::date AS day, COALESCE(p.customer_id, s.customer_id) AS customer_id, count(*) AS n
            FROM seq s
            JOIN want w ON w.meter_id = s.meter_id AND s.ts >= w.t0 AND s.ts < w.t1
            JOIN periods p ON p.meter_id = s.meter_id AND s.ts >= p.p0 AND s.ts < p.p1
           GROUP BY 1, 2, 3
        ), fresh AS (
          SELECT COALESCE(p.meter_id, r.meter_id) AS meter_id, COALESCE(p.day, r.day) AS day,
                 COALESCE(p.customer_id, r.customer_id) AS customer_id,
                 COALESCE(p.kwh, 0) AS kwh, COALESCE(r.n, 0) AS n, COALESCE(p.resets, 0) AS resets
            FROM per_day p
            FULL JOIN readings_per_day r ON r.meter_id = p.meter_id AND r.day = p.day AND r.customer_id = p.customer_id
        ), gone AS (
          DELETE FROM consumption_aggregates c USING want w
           WHERE c.meter_id = w.meter_id AND c.day BETWEEN w.d0 AND w.d1
             AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.meter_id = c.meter_id AND f.day = c.day AND f.customer_id = c.customer_id)
        )
        INSERT INTO consumption_aggregates AS c (meter_id, day, customer_id, consumption_kwh, readings, register_resets, updated_at)
        SELECT meter_id, day, customer_id, kwh, n, resets, now() FROM fresh
         ORDER BY 1, 2, 3
        ON CONFLICT (meter_id, day, customer_id) DO UPDATE
           SET consumption_kwh = EXCLUDED.consumption_kwh, readings = EXCLUDED.readings,
               register_resets = EXCLUDED.register_resets, updated_at = EXCLUDED.updated_at
      $fn$`);

    // Rows of changed assignments (old and new versions) → the readings they re-attribute.
    await q.query(`
      CREATE FUNCTION consumption_assignments_changed(p_meters text[], p_from timestamptz[]) RETURNS void
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_meters text[];
        v_tmin timestamptz[];
        v_tmax timestamptz[];
      BEGIN
        WITH changed AS (
          SELECT c.meter_id, c.valid_from,
                 -- the change holds until the next assignment (as the table is now)
                 COALESCE((SELECT min(a.valid_from) FROM meter_assignments a WHERE a.meter_id = c.meter_id AND a.valid_from > c.valid_from),
                          'infinity'::timestamptz) AS until
            FROM unnest(p_meters, p_from) AS c(meter_id, valid_from)
        ), per_meter AS (
          SELECT c.meter_id, min(c.valid_from) AS t0, max(c.until) AS t1,
                 (SELECT min(r.ts) FROM meter_readings r WHERE r.meter_id = c.meter_id) AS first_ts,
                 (SELECT max(r.ts) FROM meter_readings r WHERE r.meter_id = c.meter_id) AS last_ts
            FROM changed c GROUP BY c.meter_id
        )
        SELECT array_agg(meter_id ORDER BY meter_id),
               array_agg(GREATEST(t0, first_ts) ORDER BY meter_id),
               array_agg(LEAST(t1, last_ts) ORDER BY meter_id)
          INTO v_meters, v_tmin, v_tmax
          FROM per_meter
         WHERE first_ts IS NOT NULL AND GREATEST(t0, first_ts) <= LEAST(t1, last_ts);
        IF v_meters IS NOT NULL THEN
          PERFORM consumption_refresh(v_meters, v_tmin, v_tmax);
        END IF;
      END
      $fn$`);

    // Transition tables allow one event per trigger: three thin triggers share the function.
    await q.query(`
      CREATE FUNCTION consumption_on_assignment_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM consumption_assignments_changed(array_agg(meter_id), array_agg(valid_from)) FROM new_rows HAVING count(*) > 0;
        RETURN NULL;
      END
      $fn$`);
    await q.query(`
      CREATE FUNCTION consumption_on_assignment_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM consumption_assignments_changed(array_agg(meter_id), array_agg(valid_from))
           FROM (SELECT meter_id, valid_from FROM new_rows UNION SELECT meter_id, valid_from FROM old_rows) c
         HAVING count(*) > 0;
        RETURN NULL;
      END
      $fn$`);
    await q.query(`
      CREATE FUNCTION consumption_on_assignment_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM consumption_assignments_changed(array_agg(meter_id), array_agg(valid_from)) FROM old_rows HAVING count(*) > 0;
        RETURN NULL;
      END
      $fn$`);
    await q.query(`
      CREATE TRIGGER meter_assignments_consumption_insert AFTER INSERT ON meter_assignments
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION consumption_on_assignment_insert()`);
    await q.query(`
      CREATE TRIGGER meter_assignments_consumption_update AFTER UPDATE ON meter_assignments
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION consumption_on_assignment_update()`);
    await q.query(`
      CREATE TRIGGER meter_assignments_consumption_delete AFTER DELETE ON meter_assignments
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION consumption_on_assignment_delete()`);

    // Everything stored so far, under the new rules.
    await q.query(`
      SELECT consumption_refresh(array_agg(meter_id), array_agg(tmin), array_agg(tmax))
        FROM (SELECT meter_id, min(ts) AS tmin, max(ts) AS tmax FROM meter_readings GROUP BY meter_id) t
      HAVING count(*) > 0`);
  }

  /**
   * Not reversible: the per-customer split of a day cannot be folded back into one row per
   * (meter, day) without losing it, and the previous recompute function would no longer match
   * the key. Restore from a backup instead.
   */
  async down(): Promise<void> {
    throw new Error('ConsumptionByAssignment1797000000100 cannot be reverted (per-customer day splits would be lost)');
  }
}
