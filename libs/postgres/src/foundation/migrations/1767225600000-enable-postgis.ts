import { MigrationInterface, QueryRunner } from 'typeorm';

/** PostGIS backs the location queries on sensors and meters. */
export class EnablePostgis1767225600000 implements MigrationInterface {
  name = 'EnablePostgis1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS postgis');
  }

  async down(): Promise<void> {
    // Deliberately empty: the extension may be shared with objects outside this migration set.
  }
}
