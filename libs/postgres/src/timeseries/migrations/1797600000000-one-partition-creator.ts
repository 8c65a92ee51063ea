import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two callers creating the same month's partition at once (two batches in flight, or two apps,
 * the first time a month is written) raced: the second waited on the first's advisory lock, but
 * its look-up after the lock still used the catalog as it was before the first committed, so its
 * CREATE TABLE failed with "relation … already exists" and took the batch with it.
 *
 * One function now creates the monthly partitions of both tables (the two had the same body but
 * for the table name): a lock per partition, and a partition that a concurrent caller created in
 * the meantime counts as done. The two functions the app may call stay, as one-line callers of
 * it, so the grants are unchanged; the new one runs as the owner and nobody else may call it.
 */
export class OnePartitionCreator1797600000000 implements MigrationInterface {
  name = 'OnePartitionCreator1797600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION ensure_month_partition(parent regclass, at timestamptz) RETURNS text
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
      DECLARE
        first_day timestamptz := date_trunc('month', at, 'UTC');
        part      text        := parent::text || '_' || to_char(first_day AT TIME ZONE 'UTC', 'YYYY_MM');
      BEGIN
        IF to_regclass(quote_ident(part)) IS NULL THEN
          PERFORM pg_advisory_xact_lock(hashtext('ensure_month_partition ' || part));
          BEGIN
            EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                           part, parent, first_day, first_day + interval '1 month');
          EXCEPTION WHEN duplicate_table THEN
            NULL; -- created by a concurrent caller after this statement's catalog snapshot
          END;
        END IF;
        RETURN part;
      END
      $fn$`);
    await q.query('REVOKE ALL ON FUNCTION ensure_month_partition(regclass, timestamptz) FROM PUBLIC');
    for (const table of ['sensor_data', 'meter_readings']) {
      await q.query(`
        CREATE OR REPLACE FUNCTION ensure_${table}_partition(at timestamptz) RETURNS text
        LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
        AS $fn$ SELECT ensure_month_partition('${table}', at) $fn$`);
    }
  }

  /** Not reverted: the bodies it replaced are the race it fixes. */
  async down(): Promise<void> {
    throw new Error('OnePartitionCreator1797600000000 cannot be reverted (the partition functions it replaced fail when two callers create one month)');
  }
}
