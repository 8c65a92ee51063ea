import { INestApplicationContext } from '@nestjs/common';
import {
  CASSANDRA_CLIENT,
  CassandraHealthIndicator,
  CassandraModule,
  CqlMigration,
  CqlMigrationError,
  CqlMigrator,
  migrationChecksum,
} from '@smartgrid/cassandra';
import { SmartgridConfigModule } from '@smartgrid/config';
import { applyTestEnv, dropKeyspace, initModules, TestEnv } from '@smartgrid/testing';
import { Client } from 'cassandra-driver';

const migrations: CqlMigration[] = [
  {
    version: 2,
    name: 'probe readings by day',
    statements: [
      `CREATE TABLE IF NOT EXISTS probe_readings (
         probe_id text, day date, ts timestamp, value double,
         PRIMARY KEY ((probe_id, day), ts)
       ) WITH CLUSTERING ORDER BY (ts DESC)`,
    ],
  },
  {
    version: 1,
    name: 'probe table',
    statements: ['CREATE TABLE IF NOT EXISTS probes (id text PRIMARY KEY, label text)'],
  },
];

function boot(list: CqlMigration[] = migrations): Promise<INestApplicationContext> {
  return initModules([SmartgridConfigModule.forRoot({ require: ['cassandra'] }), CassandraModule.forRootAsync({ migrations: list })]);
}

describe('CassandraModule (real Cassandra)', () => {
  let env: TestEnv;
  let ctx: INestApplicationContext;
  let client: Client;

  beforeAll(async () => {
    env = applyTestEnv({ CASSANDRA_REPLICATION_FACTOR: '1' });
    ctx = await boot();
    client = ctx.get(CASSANDRA_CLIENT);
  });

  afterAll(async () => {
    await ctx?.close();
    await dropKeyspace(env);
  });

  it('created the keyspace with the configured replication and uses it', async () => {
    const rs = await client.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [env.CASSANDRA_KEYSPACE]);
    expect(rs.first().get('replication')).toMatchObject({ class: 'org.apache.cassandra.locator.SimpleStrategy', replication_factor: '1' });
    expect(client.keyspace).toBe(env.CASSANDRA_KEYSPACE);
  });

  it('applied the migrations in version order and recorded them with checksums', async () => {
    const applied = await new CqlMigrator(client).applied();
    expect(applied.sort((a, b) => a.version - b.version)).toEqual([
      { version: 1, name: 'probe table', checksum: migrationChecksum(migrations[1]) },
      { version: 2, name: 'probe readings by day', checksum: migrationChecksum(migrations[0]) },
    ]);
  });

  it('writes and reads back a time-bucketed row', async () => {
    const ts = new Date('2026-11-26T10:00:00.000Z');
    await client.execute('INSERT INTO probe_readings (probe_id, day, ts, value) VALUES (?, ?, ?, ?)', ['P-1', '2026-11-26', ts, 229.7], {
      prepare: true,
    });
    const rs = await client.execute('SELECT ts, value FROM probe_readings WHERE probe_id = ? AND day = ?', ['P-1', '2026-11-26'], {
      prepare: true,
    });
    expect(rs.rows.map((r) => [r.get('ts').toISOString(), r.get('value')])).toEqual([['2026-11-26T10:00:00.000Z', 229.7]]);
  });

  it('reports healthy with the server version', async () => {
    const result = await ctx.get(CassandraHealthIndicator).isHealthy('cassandra');
    expect(result.cassandra).toMatchObject({ status: 'up' });
    expect(String(result.cassandra.version)).toMatch(/^5\./);
  });

  it('a second start applies nothing and a new migration is added on top', async () => {
    const extra: CqlMigration = { version: 3, name: 'probe label index', statements: ['ALTER TABLE probes ADD site text'] };
    const again = await boot([...migrations, extra]);
    await again.close();
    const applied = await new CqlMigrator(client).applied();
    expect(applied.map((a) => a.version).sort()).toEqual([1, 2, 3]);
  });

  it('concurrent migrators take turns through the lock', async () => {
    const list: CqlMigration[] = [{ version: 10, name: 'concurrent', statements: ['CREATE TABLE IF NOT EXISTS concurrent_probe (id int PRIMARY KEY)'] }];
    const results = await Promise.all([new CqlMigrator(client).migrate(list), new CqlMigrator(client).migrate(list)]);
    expect(results.map((r) => r.length).sort()).toEqual([0, 1]);
  });

  it('refuses to start when an applied migration was edited', async () => {
    const edited = migrations.map((m) => (m.version === 1 ? { ...m, statements: ['CREATE TABLE IF NOT EXISTS probes (id int PRIMARY KEY)'] } : m));
    await expect(boot(edited)).rejects.toThrow(CqlMigrationError);
    await expect(boot(edited)).rejects.toThrow(/migration 1 "probe table" was changed after it was applied/);
  });
});
