import { INestApplication } from '@nestjs/common';
import { adminClient, appRoleEnv, setupTestStack, TestStack } from '@smartgrid/testing';
import { Client } from 'pg';
import request from 'supertest';
import { createApp, startApp } from '../../src/user-management.app';
import { AuditMirrorService } from '../../src/audit/audit-mirror.service';

export const ADMIN = { username: 'root.admin', password: 'Bootstrap-Admin-2026!' };

export interface Harness {
  app: INestApplication;
  stack: TestStack;
  /** supertest agent on the running app. */
  http: () => ReturnType<typeof request>;
  /** A direct connection to the test database as the superuser, for tampering and checks. */
  pg: Client;
  login(username: string, password: string): Promise<string>;
  /** Creates a user through the API (as admin) and returns its id and a token for it. */
  userWithRole(role: 'viewer' | 'operator' | 'admin', username?: string): Promise<{ id: string; token: string; username: string; password: string }>;
  adminToken(): Promise<string>;
  flushMirror(): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

/**
 * Boots user-management in-process on its own database, MongoDB database and topic prefix,
 * with the first admin seeded, as its own PostgreSQL role (migrations by the owner role, as
 * deployed). `overrides` go into the app's environment.
 */
export async function startHarness(overrides: Record<string, string> = {}): Promise<Harness> {
  const stack = await setupTestStack({
    ...appRoleEnv('user-management'),
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOGIN_MAX_FAILURES_PER_CLIENT: '1000',
    ...overrides,
  });
  let app: INestApplication | undefined;
  const pg = adminClient(stack.env.POSTGRES_DB);
  try {
    app = await createApp({ env: stack.env, logger: ['error'] });
    await startApp(app, 0);
    await pg.connect();
  } catch (e) {
    await app?.close().catch(() => undefined);
    await stack.cleanup().catch(() => undefined);
    throw e;
  }
  const started = app;
  const http = () => request(started.getHttpServer());
  let adminToken: string | undefined;

  const login = async (username: string, password: string): Promise<string> => {
    const res = await http().post('/api/auth/login').send({ username, password });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken as string;
  };
  const harness: Harness = {
    app: started,
    stack,
    http,
    pg,
    login,
    async adminToken() {
      adminToken ??= await login(ADMIN.username, ADMIN.password);
      return adminToken;
    },
    async userWithRole(role, username = `${role}.${++counter}.${Date.now().toString(36)}`) {
      const password = `Pass-${role}-${counter}-word!`;
      const res = await http()
        .post('/api/users')
        .set('Authorization', `Bearer ${await harness.adminToken()}`)
        .send({ username, password, role });
      if (res.status !== 201) throw new Error(`create ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.id as string, username, password, token: await login(username, password) };
    },
    flushMirror: () => started.get(AuditMirrorService).flush(),
    async close() {
      await pg.end().catch(() => undefined);
      await started.close();
      await stack.cleanup();
    },
  };
  return harness;
}
