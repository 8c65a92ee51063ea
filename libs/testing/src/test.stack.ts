import { Client as CassandraClient } from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { testEnv, TestEnv } from './test.env';
import { createTestDatabase, dropTestDatabase } from './postgres.fixtures';

const KEYSPACE = /^[a-z][a-z0-9_]{0,47}$/;

/** Drops a test keyspace (no-op when it does not exist). */
export async function dropKeyspace(env: TestEnv): Promise<void> {
  const keyspace = env.CASSANDRA_KEYSPACE;
  if (!KEYSPACE.test(keyspace ?? '')) throw new Error(`refusing to drop keyspace "${keyspace}"`);
  const client = new CassandraClient({
    contactPoints: env.CASSANDRA_HOSTS.split(','),
    localDataCenter: env.CASSANDRA_LOCAL_DC || 'datacenter1',
    protocolOptions: { port: Number(env.CASSANDRA_PORT || 9042) },
  });
  try {
    await client.connect();
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`, [], { readTimeout: 60_000 });
  } finally {
    await client.shutdown();
  }
}

/** Drops a test MongoDB database. */
export async function dropMongoDatabase(env: TestEnv): Promise<void> {
  const conn = mongoose.createConnection(`mongodb://${env.MONGODB_HOST}:${env.MONGODB_PORT}/${env.MONGODB_DB}`, {
    directConnection: true,
    serverSelectionTimeoutMS: 5000,
  });
  try {
    await conn.asPromise();
    await conn.dropDatabase();
  } finally {
    await conn.close();
  }
}

/** Deletes every topic and consumer group whose name starts with the env's KAFKA_TOPIC_PREFIX. */
export async function deleteTestTopics(env: TestEnv): Promise<string[]> {
  const prefix = env.KAFKA_TOPIC_PREFIX;
  if (!prefix || prefix.length < 8) throw new Error(`refusing to delete topics for prefix "${prefix}"`);
  const kafka = new Kafka({ clientId: 'smartgrid-test-cleanup', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined); // a group still active cannot go
    return topics;
  } finally {
    await admin.disconnect();
  }
}

async function retried<T>(step: () => Promise<T>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await step();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

export interface TestStack {
  env: TestEnv;
  /** Removes everything the test file created (retrying while a server is briefly away). */
  cleanup(): Promise<void>;
}

/**
 * testEnv() plus the PostgreSQL database it names (with PostGIS). The keyspace, MongoDB
 * database and topics are created by the apps/modules under test; cleanup() removes them all.
 */
export async function setupTestStack(overrides: Record<string, string> = {}): Promise<TestStack> {
  const env = testEnv(overrides);
  await createTestDatabase(env.POSTGRES_DB);
  return {
    env,
    async cleanup() {
      // Each step is retried for a while: another test file may have a server stopped for a
      // fault test right now, and it will be back shortly.
      const results = await Promise.allSettled([
        retried(() => dropTestDatabase(env.POSTGRES_DB)),
        retried(() => dropKeyspace(env)),
        retried(() => dropMongoDatabase(env)),
        retried(() => deleteTestTopics(env)),
      ]);
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failures.length > 0) {
        throw new Error(`test cleanup failed: ${failures.map((f) => String(f.reason)).join('; ')}`);
      }
    },
  };
}
