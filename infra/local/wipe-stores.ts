/**
 * The disaster of the drill, for the local stack only: drops and recreates the PostgreSQL
 * database (empty, PostGIS enabled), drops the Cassandra keyspace and the MongoDB database
 * named by the environment (infra/local/local.env). Kafka is left alone: it is what a restore
 * replays from. Run through `bin/dev wipe --yes`.
 */
import { createTestDatabase, dropKeyspace, dropMongoDatabase, dropTestDatabase } from '@smartgrid/testing';

async function main(): Promise<void> {
  const env = process.env as Record<string, string>;
  for (const v of ['POSTGRES_DB', 'CASSANDRA_KEYSPACE', 'MONGODB_DB']) if (!env[v]) throw new Error(`${v} is not set`);
  await dropTestDatabase(env.POSTGRES_DB!);
  await createTestDatabase(env.POSTGRES_DB!);
  await dropKeyspace(env);
  await dropMongoDatabase(env);
  process.stdout.write(`wiped PostgreSQL database ${env.POSTGRES_DB}, Cassandra keyspace ${env.CASSANDRA_KEYSPACE}, MongoDB database ${env.MONGODB_DB}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`wipe failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
