import { INestApplication } from '@nestjs/common';
import { appRoleEnv } from '@smartgrid/testing';
import { Client } from 'pg';
import { createApp as createDataProcessing, startApp as startDataProcessing, whenIngestAssigned } from '../../apps/data-processing/src/data-processing.app';
import { createApp as createUserManagement, startApp as startUserManagement } from '../../apps/user-management/src/user-management.app';

// What the disaster drill (bench/drill) and its small e2e twin (test/operations) share.

/**
 * Both apps in-process on the stack's env, each as its own PostgreSQL role as operators run
 * them; `start` resolves once data-processing's ingest consumer holds its partitions (bounded
 * by `assignTimeoutMs`), so what is produced next is consumed by it.
 */
export class DrillApps {
  private dpApp: INestApplication | undefined;
  private umApp: INestApplication | undefined;

  constructor(
    private readonly env: () => Record<string, string>,
    private readonly assignTimeoutMs: number,
  ) {}

  get dp(): INestApplication {
    if (!this.dpApp) throw new Error('data-processing is not running');
    return this.dpApp;
  }

  get um(): INestApplication {
    if (!this.umApp) throw new Error('user-management is not running');
    return this.umApp;
  }

  /** On failure, whichever app was created is left for `stop` (the caller's clean-up) to close. */
  async start(): Promise<void> {
    const env = this.env();
    this.dpApp = await createDataProcessing({ env: { ...env, ...appRoleEnv('data-processing') }, logger: ['error'] });
    await startDataProcessing(this.dpApp, 0);
    await whenIngestAssigned(this.dpApp, this.assignTimeoutMs);
    this.umApp = await createUserManagement({ env: { ...env, ...appRoleEnv('user-management') }, logger: ['error'] });
    await startUserManagement(this.umApp, 0);
  }

  async stop(): Promise<void> {
    await this.dpApp?.close();
    await this.umApp?.close();
    this.dpApp = this.umApp = undefined;
  }
}

/** A client on the stack's database as its configured (owner) user, for counting what landed. */
export async function drillPgClient(env: Record<string, string>): Promise<Client> {
  const c = new Client({ host: env.POSTGRES_HOST, port: Number(env.POSTGRES_PORT), user: env.POSTGRES_USER, password: env.POSTGRES_PASSWORD, database: env.POSTGRES_DB });
  await c.connect();
  return c;
}
