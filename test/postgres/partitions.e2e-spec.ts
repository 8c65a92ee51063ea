import { INestApplicationContext } from '@nestjs/common';
import { SmartgridConfigModule } from '@smartgrid/config';
import { foundationMigrations, PostgresModule, timeseriesGrants, timeseriesMigrations } from '@smartgrid/postgres';
import { adminClient, applyTestEnv, appRoleEnv, createTestDatabase, initModules, TestDatabase } from '@smartgrid/testing';
import { DataSource } from 'typeorm';

const CALLERS = 8;

/**
 * Monthly partitions are created at run time by whoever writes a month first — often several
 * batches at once (partitions consumed concurrently, two app instances). Every caller must get
 * the partition, none an error, and each month must exist once with its bounds.
 */
describe('monthly partitions created by many callers at once (real PostgreSQL, as the app role)', () => {
  let db: TestDatabase;
  let ctx: INestApplicationContext;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    applyTestEnv({ ...db.env, ...appRoleEnv('data-processing'), POSTGRES_POOL_SIZE: String(CALLERS) });
    ctx = await initModules([
      SmartgridConfigModule.forRoot({ require: ['postgres'] }),
      PostgresModule.forRootAsync({ migrations: [...foundationMigrations, ...timeseriesMigrations], grants: timeseriesGrants }),
    ]);
    ds = ctx.get(DataSource);
  });

  afterAll(async () => {
    await ctx?.close();
    await db?.drop();
  });

  it.each(['sensor_data', 'meter_readings'])(`%s: ${CALLERS} callers per new month, 24 months: every call answers the partition, each month exists once`, async (table) => {
    const failures: string[] = [];
    for (let month = 0; month < 24; month++) {
      const at = new Date(Date.UTC(2001 + Math.floor(month / 12), month % 12, 10, 12)).toISOString();
      const calls = await Promise.allSettled(Array.from({ length: CALLERS }, () => ds.query(`SELECT ensure_${table}_partition($1) AS part`, [at])));
      const expected = `${table}_${at.slice(0, 4)}_${at.slice(5, 7)}`;
      for (const c of calls) {
        if (c.status === 'rejected') failures.push(`${at}: ${String(c.reason)}`);
        else expect(c.value).toEqual([{ part: expected }]);
      }
    }
    expect(failures).toEqual([]);

    const admin = adminClient(db.name);
    await admin.connect();
    try {
      await admin.query("SET TimeZone = 'UTC'");
      const { rows } = await admin.query<{ name: string; bounds: string }>(
        `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bounds
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = $1::regclass AND c.relname LIKE $2 ORDER BY c.relname`,
        [table, `${table}_2001_%`],
      );
      expect(rows).toHaveLength(12);
      expect(rows[0]).toEqual({ name: `${table}_2001_01`, bounds: "FOR VALUES FROM ('2001-01-01 00:00:00+00') TO ('2001-02-01 00:00:00+00')" });
    } finally {
      await admin.end();
    }
  });

  it('the app role may call the two table functions but not the creator behind them', async () => {
    await expect(ds.query("SELECT ensure_month_partition('sensor_data', now())")).rejects.toThrow(/permission denied for function ensure_month_partition/);
  });
});
