import { INestApplicationContext } from '@nestjs/common';
import { SmartgridConfigModule } from '@smartgrid/config';
import { foundationMigrations, PostgresHealthIndicator, PostgresModule } from '@smartgrid/postgres';
import { applyTestEnv, createTestDatabase, initModules, TestDatabase } from '@smartgrid/testing';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';

class CreateProbeTable1767225600001 implements MigrationInterface {
  name = 'CreateProbeTable1767225600001';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE probe (id int PRIMARY KEY, label text NOT NULL, at geography(Point, 4326))');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE probe');
  }
}

const migrations = [...foundationMigrations, CreateProbeTable1767225600001];

function boot(): Promise<INestApplicationContext> {
  return initModules([SmartgridConfigModule.forRoot({ require: ['postgres'] }), PostgresModule.forRootAsync({ migrations })]);
}

describe('PostgresModule (real PostgreSQL)', () => {
  let db: TestDatabase;
  let ctx: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    applyTestEnv(db.env);
    ctx = await boot();
  });

  afterAll(async () => {
    await ctx?.close();
    await db?.drop();
  });

  it('applied the migrations once each, recorded in schema_migrations', async () => {
    const ds = ctx.get(DataSource);
    const rows: { name: string }[] = await ds.query('SELECT name FROM schema_migrations ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(['EnablePostgis1767225600000', 'CreateProbeTable1767225600001']);
    const ext: { extname: string }[] = await ds.query("SELECT extname FROM pg_extension WHERE extname = 'postgis'");
    expect(ext).toHaveLength(1);
  });

  it('writes and reads back through the DataSource, PostGIS included', async () => {
    const ds = ctx.get(DataSource);
    await ds.query('INSERT INTO probe (id, label, at) VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326))', [1, 'tirana', 19.82, 41.33]);
    const [row] = await ds.query('SELECT label, ST_Y(at::geometry) AS lat FROM probe WHERE id = $1', [1]);
    expect(row).toEqual({ label: 'tirana', lat: 41.33 });
  });

  it('reports healthy with a real round trip', async () => {
    const result = await ctx.get(PostgresHealthIndicator).isHealthy('postgres');
    expect(result.postgres.status).toBe('up');
    expect(result.postgres.responseTime).toBeGreaterThanOrEqual(0);
  });

  it('starting again applies nothing twice', async () => {
    const again = await boot();
    await again.close();
    const rows: { n: string }[] = await ctx.get(DataSource).query('SELECT count(*) AS n FROM schema_migrations');
    expect(Number(rows[0].n)).toBe(2);
  });

  it('two apps starting together on an empty database apply each migration once (advisory lock)', async () => {
    const fresh = await createTestDatabase();
    const previous = process.env.POSTGRES_DB;
    process.env.POSTGRES_DB = fresh.name;
    try {
      const [a, b] = await Promise.all([boot(), boot()]);
      const rows: { name: string }[] = await a.get(DataSource).query('SELECT name FROM schema_migrations ORDER BY id');
      expect(rows.map((r) => r.name)).toEqual(['EnablePostgis1767225600000', 'CreateProbeTable1767225600001']);
      await Promise.all([a.close(), b.close()]);
    } finally {
      process.env.POSTGRES_DB = previous;
      await fresh.drop();
    }
  });

  it('closes its pool when the app closes', async () => {
    const other = await boot();
    const ds = other.get(DataSource);
    await other.close();
    expect(ds.isInitialized).toBe(false);
  });
});
