import { INestApplication } from '@nestjs/common';
import { isServerUp, setupTestStack, startServer, stopServer, TestStack, waitFor } from '@smartgrid/testing';
import request from 'supertest';
import { createApp, startApp } from '../../apps/data-processing/src/app';

interface Ready {
  status: string;
  details: Record<string, { status: string; message?: string }>;
}

/**
 * Stops the real Cassandra under a running data-processing app: readiness must turn 503 and
 * name cassandra, then return to 200 once the server is back, with the same app instance
 * (the driver reconnects by itself).
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
    expect((await ready()).code).toBe(200);
  });

  it('turns 503 naming cassandra (only) while the server is stopped', async () => {
    stopServer('cassandra');
    const down = await waitFor(
      async () => {
        const r = await ready();
        return r.code === 503 ? r : undefined;
      },
      30_000,
      250,
      'readiness 503',
    );
    expect(down.body.status).toBe('error');
    expect(down.body.details.cassandra.status).toBe('down');
    expect(down.body.details.cassandra.message).toEqual(expect.any(String));
    expect(down.body.details.postgres.status).toBe('up');
    expect(down.body.details.kafka.status).toBe('up');
    // Liveness is about the process only.
    await request(base).get('/health/live').expect(200);
  });

  it('returns to 200 after the server restarts, without restarting the app', async () => {
    startServer('cassandra');
    const upAt = Date.now();
    const back = await waitFor(
      async () => {
        const r = await ready();
        return r.code === 200 ? r : undefined;
      },
      30_000,
      250,
      'readiness 200 again',
    );
    const recoveryMs = Date.now() - upAt;
    expect(back.body.details.cassandra.status).toBe('up');
    // The reconnection policy retries every second; allow for the node finishing start-up.
    expect(recoveryMs).toBeLessThan(15_000);
  });
});
