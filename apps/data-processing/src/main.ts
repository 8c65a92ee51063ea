import { Logger } from '@nestjs/common';
import { APP_NAME, createApp, startApp } from './app';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  // SIGTERM/SIGINT: stop consuming, finish in-flight work, close every client, exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  const port = await startApp(app);
  new Logger('Bootstrap').log(`${APP_NAME} listening on :${port}`);
}

bootstrap().catch((err: unknown) => {
  // One clear line on stderr (e.g. which variable is wrong), then a non-zero exit.
  process.stderr.write(`${APP_NAME} failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
