import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customers, meters and sensors: the reference rows readings point at. Ingest upserts them on
 * first sight of an id, so foreign keys hold without a separate registration step.
 */
export class CreateGridEntities1767398400000 implements MigrationInterface {
  name = 'CreateGridEntities1767398400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE EXTENSION IF NOT EXISTS postgis');
    await q.query(`
      CREATE TABLE customers (
        id         text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
        name       text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE meters (
        id          text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
        customer_id text        NOT NULL REFERENCES customers (id),
        location    geography(Point, 4326),
        metadata    jsonb       NOT NULL DEFAULT '{}'::jsonb,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX meters_customer_id_idx ON meters (customer_id)');
    await q.query('CREATE INDEX meters_location_gist ON meters USING gist (location)');
    await q.query(`
      CREATE TABLE sensors (
        id          text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
        sensor_type text        NOT NULL,
        unit        text,
        location    geography(Point, 4326),
        metadata    jsonb       NOT NULL DEFAULT '{}'::jsonb,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX sensors_sensor_type_idx ON sensors (sensor_type)');
    // Radius and bounding-box searches (ST_DWithin, &&) on sensor positions.
    await q.query('CREATE INDEX sensors_location_gist ON sensors USING gist (location)');
    // Containment queries on descriptions, e.g. metadata @> '{"firmware": "2.1"}'.
    await q.query('CREATE INDEX sensors_metadata_gin ON sensors USING gin (metadata jsonb_path_ops)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS sensors');
    await q.query('DROP TABLE IF EXISTS meters');
    await q.query('DROP TABLE IF EXISTS customers');
  }
}
