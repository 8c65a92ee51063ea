import 'reflect-metadata';
import {
  AuditCheckpoint, AuditEntry, ChainHead, CheckpointChecker, checkpointFromJson, keyIdOf, parseCheckpointPublicKey, verifyEntries,
} from '@smartgrid/audit';
import { buildKafkaJsConfig, readAuditCheckpoints } from '@smartgrid/kafka';
import { readAuditDump, withAuditTables } from '@smartgrid/postgres';
import type { AuditTablesAddress } from '@smartgrid/postgres';
import { Kafka } from 'kafkajs';
import { existsSync, readFileSync } from 'node:fs';
import { CliUsageError, parseVerifyArgs, USAGE, VerifyArgs } from './audit-verify.args';

/**
 * Offline verification of the audit chain against its signed checkpoints:
 *   npm run audit:verify -- --public-key "$(cat audit-checkpoint.pub)" --dump smartgrid.sql --checkpoints kafka
 * Needs no secret: the public key, the chain (a dump or a read-only connection) and the
 * checkpoints (Kafka, a file, or the database).
 */
const readText = (keyOrFile: string): string => (existsSync(keyOrFile) ? readFileSync(keyOrFile, 'utf8') : keyOrFile);

/** The live audit tables, as --postgres names them (POSTGRES_HOST/PORT/DB/USER/PASSWORD). */
const fromEnv = (): AuditTablesAddress => ({
  host: process.env.POSTGRES_HOST ?? '127.0.0.1',
  port: Number(process.env.POSTGRES_PORT ?? 5432),
  database: process.env.POSTGRES_DB,
  user: process.env.POSTGRES_USER,
  password: process.env.POSTGRES_PASSWORD,
  applicationName: 'smartgrid-audit-verify',
});

async function checkpointsFrom(args: VerifyArgs, dumpCheckpoints: AuditCheckpoint[] | null): Promise<{ list: AuditCheckpoint[]; unreadable: number }> {
  const src = args.checkpoints;
  if (src.kind === 'dump') return { list: dumpCheckpoints ?? [], unreadable: 0 };
  if (src.kind === 'postgres') return { list: await withAuditTables(fromEnv(), ({ checkpoints }) => checkpoints.all()), unreadable: 0 };
  if (src.kind === 'file') {
    const list: AuditCheckpoint[] = [];
    let unreadable = 0;
    for (const line of readFileSync(src.path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      let c: AuditCheckpoint | null = null;
      try {
        c = checkpointFromJson(JSON.parse(line));
      } catch {
        c = null;
      }
      if (c) list.push(c);
      else unreadable += 1;
    }
    return { list, unreadable };
  }
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new CliUsageError('--checkpoints kafka needs KAFKA_BROKERS');
  const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
  const kafka = new Kafka(buildKafkaJsConfig({ brokers, clientId: 'smartgrid-audit-verify', topicPrefix: prefix, topicPartitions: 1, sessionTimeoutMs: 30_000 }));
  const { checkpoints, unreadable } = await readAuditCheckpoints(kafka, prefix);
  return { list: checkpoints, unreadable };
}

async function run(args: VerifyArgs): Promise<number> {
  const publicKey = parseCheckpointPublicKey(readText(args.publicKey));
  let dumpCheckpoints: AuditCheckpoint[] | null = null;
  let pages: AuditEntry[][] | null = null;
  let head: ChainHead | null = null;
  if (args.chain.kind === 'dump') {
    const dump = readAuditDump(readFileSync(args.chain.path, 'utf8'));
    pages = [dump.entries];
    head = dump.head;
    dumpCheckpoints = dump.checkpoints;
  }
  const { list, unreadable } = await checkpointsFrom(args, dumpCheckpoints);
  const checker = new CheckpointChecker(list, publicKey);
  const result =
    pages !== null
      ? await verifyEntries(pages, { head: head ?? undefined, checkpoints: checker })
      : await withAuditTables(fromEnv(), ({ log }) =>
          log.inSnapshot(async (tx) => {
            head = await log.head(tx);
            return verifyEntries(log.readInOrder(tx), { head, checkpoints: checker });
          }),
        );
  const report = {
    valid: result.broken === null,
    chain: args.chain.kind,
    entries: result.checked,
    lastSeq: result.lastSeq,
    head,
    checkpoints: { source: args.checkpoints.kind, read: list.length, unreadable, keyId: keyIdOf(publicKey), ...checker.report },
    firstBroken: result.broken,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (checker.report.verified === 0) process.stderr.write('warning: no checkpoint verified with this key: only the chain\'s own consistency was checked\n');
  return report.valid ? 0 : 2;
}

async function main(): Promise<void> {
  let args: VerifyArgs;
  try {
    args = parseVerifyArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
    process.exit(1);
  }
  try {
    process.exit(await run(args));
  } catch (e) {
    process.stderr.write(`audit:verify failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}

void main();
