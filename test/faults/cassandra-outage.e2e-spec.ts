import { INestApplication } from '@nestjs/common';
import { isServerUp, setupTestStack, startServer, stopServer, TestStack, waitFor } from '@smartgrid/testing';
import request from 'supertest';
import { createApp, startApp } from '../../apps/data-processing/src/app';

interface Ready {
  status: string;
  details: Record<string, { status: string; message?: string }>;
}

/**
 * Stops the real Cassandra under a running data-processing app: the instance stays ready
 * (PostgreSQL carries the writes, with a backlog) but reports `degraded` naming cassandra,
 * and returns to `ok` once the server is back, with the same app instance (the driver
 * reconnects by itself).
 */
describe('fault: Cassandra goes away and comes back', () => {
  let stack: TestStack;
  let app: INestApplication;
  let base: string;

  const ready = async (): Promise<{ code: number; body: Ready }> => {
    const res = await request(base).get('/health/ready');
    return { code: res.status, body: res.body as Ready };
  };

  beforeAll(async () => {
    stack = await setupTestStack();
    app = await createApp({ env: stack.env, logger: ['error'] });
    base = `http://127.0.0.1:${await startApp(app, 0)}`;
  });

  afterAll(async () => {
    // Whatever happened above, leave the server running for everyone else.
    try {
      if (!isServerUp('cassandra')) startServer('cassandra');
    } finally {
      await app?.close();
      await stack?.cleanup();
    }
  });

  it('is ready while every store is up', async () => {
    const r = await ready();
    expect(r.code).toBe(200);
    expect(r.body.status).toBe('ok');
  });

  it('stays ready (200) but degraded, naming cassandra only, while the server is stopped', async () => {
    stopServer('cassandra');
    const down = await waitFor(
      async () => {
        const r = await ready();
        return r.body.status === 'degraded' ? r : undefined;
      },
      30_000,
      250,
      'readiness degraded',
    );
    expect(down.code).toBe(200);
    expect(down.body.details.cassandra.status).toBe('degraded');
    expect(down.body.details.cassandra.message).toEqual(expect.any(String));
    expect(down.body.details.postgres.status).toBe('up');
    expect(down.body.details.kafka.status).toBe('up');
    // Liveness is about the process only.
    await request(base).get('/health/live').expect(200);
  });

  it('returns to ok after the server restarts, without restarting the app', async () => {
    startServer('cassandra');
    // The driver's reconnection policy retries every second; waitFor bounds the wait.
    const back = await waitFor(
      async () => {
        const r = await ready();
        return r.body.status === 'ok' ? r : undefined;
      },
      30_000,
      250,
      'readiness ok again',
    );
    expect(back.code).toBe(200);
    expect(back.body.details.cassandra.status).toBe('up');
  });
});
