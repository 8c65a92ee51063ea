/**
 * `npm run faults`: the fault drill. For each fault — kill -9 of PostgreSQL, Cassandra, Kafka,
 * FerretDB, the data-processing app, and a hung Cassandra (SIGSTOP, then SIGCONT) — it starts
 * a fresh data-processing app (built, in a child process, on its own database, keyspace and
 * topics), produces N sensor readings with a plain Kafka producer (a few of them invalid),
 * injects the fault mid-ingest, restores the component, waits until everything has converged
 * and prints one table: readings produced, rows in PostgreSQL and Cassandra, readings counted
 * in the aggregates, dead letters, time to converge. Exits 1 if anything was lost or counted
 * twice.
 *
 * It stops and kills the servers of the local stack (`infra/local/stack`): run it when nothing
 * else uses them. Options: --readings N (100000), --only f1,f2, --down S (seconds a killed
 * server stays down, 10), --hang S (60), --timeout S (per fault, 900).
 */
import { setTimeout as sleep } from 'timers/promises';
import { FAULTS, FaultName } from './faults';
import { runFault, FaultResult } from './fault-run';

interface Options {
  readings: number;
  only: FaultName[];
  downSeconds: number;
  hangSeconds: number;
  timeoutSeconds: number;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { readings: 100_000, only: [...FAULTS], downSeconds: 10, hangSeconds: 60, timeoutSeconds: 900 };
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i]!.replace(/^--/, '').split('=', 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${key} needs a value`);
    if (key === 'readings') o.readings = positive(key, value);
    else if (key === 'down') o.downSeconds = positive(key, value);
    else if (key === 'hang') o.hangSeconds = positive(key, value);
    else if (key === 'timeout') o.timeoutSeconds = positive(key, value);
    else if (key === 'only') {
      const names = value.split(',').map((s) => s.trim());
      for (const n of names) if (!(FAULTS as readonly string[]).includes(n)) throw new Error(`--only: unknown fault "${n}" (one of ${FAULTS.join(', ')})`);
      o.only = names as FaultName[];
    } else throw new Error(`unknown option --${key}`);
  }
  return o;
}

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
}

function printTable(results: FaultResult[]): void {
  const head = ['fault', 'produced', 'valid', 'postgres rows', 'cassandra rows', 'aggregated', 'dead letters', 'converged in', 'verdict'];
  const rows = results.map((r) => [
    r.fault,
    String(r.produced),
    String(r.expectedRows),
    String(r.postgresRows),
    String(r.cassandraRows),
    String(r.aggregated),
    `${r.deadLetters}/${r.expectedDeadLetters}`,
    r.convergedMs === null ? 'never' : `${(r.convergedMs / 1000).toFixed(1)} s`,
    r.ok ? 'ok' : `FAIL: ${r.problems.join('; ')}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const results: FaultResult[] = [];
  for (const fault of o.only) {
    process.stderr.write(`\n== ${fault}: ${o.readings} readings ==\n`);
    results.push(await runFault(fault, o));
    // Let the servers settle (compactions, the restarted node's hints) before the next fault.
    await sleep(5000);
  }
  printTable(results);
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`fault drill: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
