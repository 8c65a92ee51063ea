import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Monthly partitions of sensor_data are created at run time, by the app. Creating a partition
 * takes ownership of the parent table, which data-processing's role does not have; the function
 * now runs as its owner (SECURITY DEFINER) and the app role may only call it. Its search_path is
 * `public, pg_temp`: partitions are created in public, and a caller's temporary objects come last.
 */
export class PartitionFunctionAsOwner1796200000100 implements MigrationInterface {
  name = 'PartitionFunctionAsOwner1796200000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER FUNCTION ensure_sensor_data_partition(timestamptz) SECURITY DEFINER SET search_path = public, pg_temp');
    await q.query('REVOKE ALL ON FUNCTION ensure_sensor_data_partition(timestamptz) FROM PUBLIC');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER FUNCTION ensure_sensor_data_partition(timestamptz) SECURITY INVOKER RESET search_path');
    await q.query('GRANT EXECUTE ON FUNCTION ensure_sensor_data_partition(timestamptz) TO PUBLIC');
  }
}
