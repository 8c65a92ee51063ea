import { exportKeyspace, importKeyspace } from '@smartgrid/cassandra';
import { dropKeyspace, testEnv, TestEnv } from '@smartgrid/testing';
import { Client, types } from 'cassandra-driver';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * The CQL export/import behind `storage:cli backup|restore`, on the real Cassandra: every cell
 * comes back with its own write time and the TTL it had left, cells that expired since the
 * export are not resurrected, an older copy never overwrites a newer write, and partitions
 * wider than one batch (and rows too large to batch many of) load whole.
 */
describe('Cassandra keyspace export and import (real Cassandra)', () => {
  let source: TestEnv;
  let target: TestEnv;
  let client: Client;
  let dir: string;
  const T = 1_700_000_000_000_000; // write times, µs

  const table = (ks: string): string =>
    `CREATE TABLE ${ks}.probe (p text, d int, ts timestamp, v double, note text, PRIMARY KEY ((p, d), ts))`;

  beforeAll(async () => {
    source = testEnv();
    target = testEnv();
    client = new Client({ contactPoints: source.CASSANDRA_HOSTS!.split(','), localDataCenter: source.CASSANDRA_LOCAL_DC!, protocolOptions: { port: Number(source.CASSANDRA_PORT) } });
    await client.connect();
    for (const ks of [source.CASSANDRA_KEYSPACE!, target.CASSANDRA_KEYSPACE!]) {
      await client.execute(`CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
      await client.execute(table(ks));
    }
    dir = mkdtempSync(join(tmpdir(), 'sg-cql-export-'));
  });

  afterAll(async () => {
    await client?.shutdown();
    rmSync(dir, { recursive: true, force: true });
    await dropKeyspace(source);
    await dropKeyspace(target);
  });

  it('keeps write times and remaining TTLs, drops what expired since, and never overwrites a newer write', async () => {
    const src = source.CASSANDRA_KEYSPACE!;
    const dst = target.CASSANDRA_KEYSPACE!;
    const insert = `INSERT INTO ${src}.probe (p, d, ts, v) VALUES (?, ?, ?, ?) USING TIMESTAMP ?`;
    // One wide partition (120 rows: three batches), plus 30 small ones.
    const rows: [string, number, Date, number][] = [
      ...Array.from({ length: 120 }, (_, i): [string, number, Date, number] => ['wide', 1, new Date(Date.UTC(2026, 0, 1) + i * 1000), i]),
      ...Array.from({ length: 30 }, (_, i): [string, number, Date, number] => [`p${i}`, 1, new Date(Date.UTC(2026, 0, 1)), 1000 + i]),
    ];
    for (const [i, r] of rows.entries()) await client.execute(insert, [...r, types.Long.fromNumber(T + i)], { prepare: true });
    // Cells of one row with their own write times and TTLs: `note` long-lived, and a wide one.
    await client.execute(`UPDATE ${src}.probe USING TIMESTAMP ? AND TTL 86400 SET note = ? WHERE p = 'wide' AND d = 1 AND ts = ?`, [types.Long.fromNumber(T + 5000), 'kept a day', new Date(Date.UTC(2026, 0, 1))], { prepare: true });
    await client.execute(`UPDATE ${src}.probe USING TTL 1800 SET note = ? WHERE p = 'p1' AND d = 1 AND ts = ?`, ['half an hour', new Date(Date.UTC(2026, 0, 1))], { prepare: true });
    await client.execute(`UPDATE ${src}.probe SET note = ? WHERE p = 'p2' AND d = 1 AND ts = ?`, ['x'.repeat(30_000), new Date(Date.UTC(2026, 0, 1))], { prepare: true });
    await client.execute(`INSERT INTO ${src}.probe (p, d, ts, v) VALUES ('gone', 1, ?, 1) USING TTL 1800`, [new Date(Date.UTC(2026, 0, 1))], { prepare: true });

    const exported = await exportKeyspace(client, src, dir);
    expect(exported.probe!.rows).toBe(151);

    // A newer write already in the target: the older copy must not replace it.
    await client.execute(`INSERT INTO ${dst}.probe (p, d, ts, v) VALUES ('p3', 1, ?, -1) USING TIMESTAMP ?`, [new Date(Date.UTC(2026, 0, 1)), types.Long.fromNumber(T + 1_000_000)], { prepare: true });
    // As if the export were an hour old: cells with less than an hour to live are gone by now.
    const loaded = await importKeyspace(client, dst, dir, exported, { exportedAtMs: Date.now() - 3_600_000, batchStatements: 50 });
    expect(loaded.probe).toEqual({ rows: 151, expired: 1 });

    const read = async (p: string, ts: Date) =>
      (await client.execute(`SELECT v, note, WRITETIME(v) AS wv, TTL(note) AS tn FROM ${dst}.probe WHERE p = ? AND d = 1 AND ts = ?`, [p, ts], { prepare: true })).first();
    const day = new Date(Date.UTC(2026, 0, 1));
    expect((await client.execute(`SELECT count(*) AS n FROM ${dst}.probe WHERE p = 'wide' AND d = 1`)).first()!.get('n').toNumber()).toBe(120);
    const wide = await read('wide', day);
    expect(wide!.get('wv').toString()).toBe(String(T));
    expect(wide!.get('note')).toBe('kept a day');
    expect(wide!.get('tn')).toBeGreaterThan(86_400 - 3_600 - 600);
    expect(wide!.get('tn')).toBeLessThanOrEqual(86_400 - 3_600);
    // p1's note had half an hour left at the export: expired since, the row's value stays.
    const p1 = await read('p1', day);
    expect(p1!.get('v')).toBe(1001);
    expect(p1!.get('note')).toBeNull();
    expect((await read('p2', day))!.get('note')).toHaveLength(30_000);
    expect((await read('p3', day))!.get('v')).toBe(-1);
    expect(await read('gone', day)).toBeNull();
  });
});
