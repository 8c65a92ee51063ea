import { INestApplication, Logger } from '@nestjs/common';

export interface MainSteps {
  /** For the start-up and failure lines. */
  name: string;
  create(): Promise<INestApplication>;
  start(app: INestApplication): Promise<number>;
}

/**
 * What an app's main.ts does: create, stop cleanly on SIGTERM/SIGINT (stop consuming, finish
 * in-flight work, close every client, exit 0), start, log the port. A failure to start (e.g.
 * which variable is wrong) is one line on stderr and exit code 1.
 */
export function runMain(steps: MainSteps): void {
  const boot = async (): Promise<void> => {
    const app = await steps.create();
    app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
    const port = await steps.start(app);
    new Logger('Bootstrap').log(`${steps.name} listening on :${port}`);
  };
  boot().catch((err: unknown) => {
    process.stderr.write(`${steps.name} failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
