import { INestApplication, LogLevel } from '@nestjs/common';
import { setupTestStack, TestStack } from './test.stack';

/** What each app's `<app>.app.ts` exports to create and start it. */
export interface AppEntry {
  createApp(options: { env: Record<string, string>; logger: LogLevel[] }): Promise<INestApplication>;
  startApp(app: INestApplication, port?: number): Promise<number>;
}

export interface AppOnStack {
  stack: TestStack;
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Closes the app, then drops what the stack created. */
  close(): Promise<void>;
}

/**
 * An app in-process on a test stack of its own (database, keyspace, MongoDB database, topic
 * prefix; `overrides` on top), listening on a free loopback port, logging warnings and errors.
 */
export async function startAppOnStack(entry: AppEntry, overrides: Record<string, string> = {}): Promise<AppOnStack> {
  const stack = await setupTestStack(overrides);
  let app: INestApplication | undefined;
  try {
    app = await entry.createApp({ env: stack.env, logger: ['error', 'warn'] });
    const port = await entry.startApp(app, 0);
    const started = app;
    return {
      stack,
      app,
      baseUrl: `http://127.0.0.1:${port}`,
      async close() {
        await started.close();
        await stack.cleanup();
      },
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    await stack.cleanup().catch(() => undefined);
    throw err;
  }
}
