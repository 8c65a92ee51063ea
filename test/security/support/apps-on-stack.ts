import { INestApplication } from '@nestjs/common';
import { CreateAppOptions } from '@smartgrid/bootstrap';
import { setupTestStack, TestStack } from '@smartgrid/testing';

/** What each app's `<app>.app.ts` exports to create and start it. */
export interface AppModule {
  createApp(options: CreateAppOptions): Promise<INestApplication>;
  startApp(app: INestApplication, port?: number): Promise<number>;
}

/**
 * Apps in-process on one test stack of their own (both apps, or more instances of one), each on
 * a free loopback port; close() shuts them down newest first, then drops the stack.
 */
export class AppsOnStack {
  private readonly apps: INestApplication[] = [];

  private constructor(readonly stack: TestStack) {}

  static async setUp(overrides: Record<string, string>): Promise<AppsOnStack> {
    return new AppsOnStack(await setupTestStack(overrides));
  }

  /** Starts `entry` on the stack's env with `env` on top (undefined removes a variable), logging errors only. */
  async start(entry: AppModule, env: Record<string, string | undefined> = {}): Promise<{ app: INestApplication; base: string }> {
    const app = await entry.createApp({ env: { ...this.stack.env, ...env }, logger: ['error'] });
    this.apps.push(app);
    return { app, base: `http://127.0.0.1:${await entry.startApp(app, 0)}` };
  }

  async close(): Promise<void> {
    for (const app of this.apps.reverse()) await app.close();
    await this.stack.cleanup();
  }
}
