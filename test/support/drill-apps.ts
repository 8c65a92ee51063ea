import { INestApplication } from '@nestjs/common';
import { appRoleEnv } from '@smartgrid/testing';
import { Client } from 'pg';
import { createApp as createDataProcessing, startApp as startDataProcessing, whenIngestAssigned } from '../../apps/data-processing/src/data-processing.app';
import { createApp as createUserManagement, startApp as startUserManagement } from '../../apps/user-management/src/user-management.app';

// What the disaster drill (bench/drill) and its small e2e twin (test/operations) share.

export interface DrillApps {
  dp: INestApplication;
  um: INestApplication;
}

/**
 * Both apps in-process on `env`, each as its own PostgreSQL role as operators run them;
 * resolves once data-processing's ingest consumer holds its partitions (bounded by
 * `assignTimeoutMs`), so what is produced next is consumed by it.
 */
export async function startDrillApps(env: Record<string, string>, assignTimeoutMs: number): Promise<DrillApps> {
  const dp = await createDataProcessing({ env: { ...env, ...appRoleEnv('data-processing') }, logger: ['error'] });
  await startDataProcessing(dp, 0);
  await whenIngestAssigned(dp, assignTimeoutMs);
  try {
    const um = await createUserManagement({ env: { ...env, ...appRoleEnv('user-management') }, logger: ['error'] });
    await startUserManagement(um, 0);
    return { dp, um };
  } catch (err) {
    await dp.close();
    throw err;
  }
}

export async function stopDrillApps(apps: DrillApps | undefined): Promise<void> {
  await apps?.dp.close();
  await apps?.um.close();
}

/** A client on the stack's database as its configured (owner) user, for counting what landed. */
export async function drillPgClient(env: Record<string, string>): Promise<Client> {
  const c = new Client({ host: env.POSTGRES_HOST, port: Number(env.POSTGRES_PORT), user: env.POSTGRES_USER, password: env.POSTGRES_PASSWORD, database: env.POSTGRES_DB });
  await c.connect();
  return c;
}
