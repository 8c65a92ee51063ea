/**
 * Child-process entry for tests that must kill the app for real (SIGKILL): boots
 * data-processing from the environment like main.ts does and prints `READY <port>` once HTTP
 * is listening and the Kafka transport (ingest) owns its partitions. Run with
 * `node -r infra/runtime/register-ts.js apps/data-processing/test/support/run-app.ts`.
 */
import { createApp, startApp, whenIngestAssigned } from '../../src/data-processing.app';

async function main(): Promise<void> {
  const app = await createApp({ logger: ['error', 'warn', 'log'] });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  const port = await startApp(app, Number(process.env.TEST_APP_PORT ?? 0));
  await whenIngestAssigned(app, 120_000);
  process.stdout.write(`READY ${port}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`run-app failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
