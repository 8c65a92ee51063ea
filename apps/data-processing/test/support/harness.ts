import { INestApplication } from '@nestjs/common';
import { Role, TokenService } from '@smartgrid/auth';
import { HybridStorageService } from '@smartgrid/hybrid-storage';
import { prefixedTopic, TOPICS } from '@smartgrid/kafka';
import { adminPool, appRoleEnv, setupTestStack, TestStack } from '@smartgrid/testing';
import { IHeaders, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import request from 'supertest';
import { createApp, startApp, whenIngestAssigned } from '../../src/data-processing.app';

export type Logical = typeof TOPICS.sensorData | typeof TOPICS.meterReadings;

export interface OutMessage {
  key: string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
}

export interface Harness {
  stack: TestStack;
  app: INestApplication;
  baseUrl: string;
  kafka: Kafka;
  producer: Producer;
  tokens: Record<'viewer' | 'operator' | 'admin', string>;
  topic(logical: string): string;
  produce(logical: Logical, messages: OutMessage[]): Promise<void>;
  /** SQL as the superuser (the app itself runs as its own, least-privileged role). */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  storage: HybridStorageService;
  /** Readings of these sensors in [from, to) as one store returns them through the API; -1 when it cannot answer. */
  countReadings(ids: readonly string[], source: 'postgres' | 'cassandra', from: Date, to: Date): Promise<number>;
  /** Stops the app and starts a new instance on the same database, keyspace and topics (`app`, `baseUrl`, `storage` then name it); `beforeStart` runs in between. */
  restart(beforeStart?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/**
 * Boots data-processing in-process on its own database, keyspace and topic prefix, as its own
 * PostgreSQL role (migrations by the owner role, as deployed). `beforeApp` runs once those
 * exist and before the app starts (e.g. to stop a server).
 */
export async function startHarness(overrides: Record<string, string> = {}, beforeApp?: () => void): Promise<Harness> {
  const stack = await setupTestStack({ INGEST_MAX_WAIT_MS: '50', ...appRoleEnv('data-processing'), ...overrides });
  let app: INestApplication | undefined;
  try {
    beforeApp?.();
    app = await createApp({ env: stack.env, logger: ['error', 'warn'] });
    const port = await startApp(app, 0);
    await whenIngestAssigned(app, 120_000);
    const kafka = new Kafka({ clientId: 'dp-test-producer', brokers: stack.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const tokenService = app.get(TokenService);
    const mint = async (role: Role): Promise<string> =>
      (await tokenService.issue({ userId: `u-${role}`, username: `${role}-user`, role })).accessToken;
    // Connects on first use: a test may have stopped PostgreSQL before the app started.
    const admin = adminPool(stack.env.POSTGRES_DB);
    const prefix = stack.env.KAFKA_TOPIC_PREFIX;
    let theApp = app;
    let current = `http://127.0.0.1:${port}`;
    const h: Harness = {
      stack,
      app,
      baseUrl: `http://127.0.0.1:${port}`,
      kafka,
      producer,
      tokens: { viewer: await mint(Role.Viewer), operator: await mint(Role.Operator), admin: await mint(Role.Admin) },
      topic: (logical) => prefixedTopic(prefix, logical),
      produce: async (logical, messages) => {
        await producer.send({ topic: prefixedTopic(prefix, logical), acks: -1, messages });
      },
      sql: async <T>(text: string, params?: unknown[]) => (await admin.query(text, params)).rows as T[],
      storage: app.get(HybridStorageService),
      countReadings: async (ids, source, from, to) => {
        let n = 0;
        for (const id of ids) {
          const res = await request(current)
            .get(`/api/sensors/${encodeURIComponent(id)}/readings`)
            .query({ source, from: from.toISOString(), to: to.toISOString(), limit: 10_000 })
            .set('Authorization', `Bearer ${await mint(Role.Viewer)}`);
          if (res.status !== 200) return -1;
          n += (res.body as { count: number }).count;
        }
        return n;
      },
      restart: async (beforeStart) => {
        await theApp.close();
        await beforeStart?.();
        theApp = await createApp({ env: stack.env, logger: ['error', 'warn'] });
        const newPort = await startApp(theApp, 0);
        await whenIngestAssigned(theApp, 120_000);
        current = `http://127.0.0.1:${newPort}`;
        Object.assign(h, { app: theApp, baseUrl: current, storage: theApp.get(HybridStorageService) });
      },
      close: async () => {
        await producer.disconnect().catch(() => undefined);
        await admin.end().catch(() => undefined);
        await theApp.close();
        await stack.cleanup();
      },
    };
    return h;
  } catch (err) {
    await app?.close().catch(() => undefined);
    await stack.cleanup().catch(() => undefined);
    throw err;
  }
}

export const json = (o: unknown): string => JSON.stringify(o);
