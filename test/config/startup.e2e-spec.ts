import { spawn, spawnSync } from 'child_process';
import { AddressInfo, createServer } from 'net';
import { join } from 'path';
import { ConfigValidationError } from '@smartgrid/config';
import { logChildOutput, REPO_ROOT, setupTestStack, testEnv, TestStack, waitFor } from '@smartgrid/testing';
import * as dataProcessing from '../../apps/data-processing/src/data-processing.app';
import * as userManagement from '../../apps/user-management/src/user-management.app';

const APPS = ['data-processing', 'user-management'] as const;
type AppName = (typeof APPS)[number];

const ADMIN_ENV = { ADMIN_USERNAME: 'startup.admin', ADMIN_PASSWORD: 'Startup-Admin-Pass-2026!' };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Starts a compiled app (as `npm run start:<app>` does) with exactly the given environment. */
function startCompiled(app: AppName, env: Record<string, string>) {
  const child = spawn(process.execPath, ['-r', './infra/runtime/register-paths.js', join('dist/apps', app, 'src/main.js')], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  logChildOutput(app, child);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<Run>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, output })));
  return { child, exited, output: () => output };
}

describe('start-up configuration (in process)', () => {
  it.each([
    ['data-processing', dataProcessing.createApp],
    ['user-management', userManagement.createApp],
  ] as const)('%s refuses to start with a malformed or missing variable, naming it', async (_name, createApp) => {
    const env = { ...testEnv(ADMIN_ENV), KAFKA_BROKERS: 'not a broker list', POSTGRES_HOST: undefined, PORT: 'eighty' };
    const failure = await createApp({ env, logger: false }).then(
      () => new Error('started'),
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(ConfigValidationError);
    expect((failure as ConfigValidationError).variables.sort()).toEqual(['KAFKA_BROKERS', 'PORT', 'POSTGRES_HOST']);
    expect((failure as Error).message).toMatch(/KAFKA_BROKERS/);
  });

  it('data-processing names a non-numeric CASSANDRA_PORT', async () => {
    await expect(dataProcessing.createApp({ env: { ...testEnv(), CASSANDRA_PORT: 'abc' }, logger: false })).rejects.toThrow(
      /CASSANDRA_PORT/,
    );
  });
});

describe('compiled apps (npm run build, then node dist/…)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
    stack = await setupTestStack(ADMIN_ENV);
  });

  afterAll(async () => {
    await stack?.cleanup();
  });

  it('exits non-zero and names the variable when CASSANDRA_PORT=abc', async () => {
    const run = startCompiled('data-processing', { ...stack.env, CASSANDRA_PORT: 'abc' });
    const result = await run.exited;
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/data-processing failed to start: .*\n?.*CASSANDRA_PORT/);
  });

  it.each(APPS)('%s starts against the local stack, is ready, and exits 0 on SIGTERM', async (app) => {
    const port = await freePort();
    const run = startCompiled(app, { ...stack.env, PORT: String(port) });
    try {
      await Promise.race([
        waitFor(
          async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200,
          120_000,
          500,
          `${app} ready`,
        ),
        run.exited.then((r) => {
          throw new Error(`${app} exited (code ${r.code}) before it was ready`);
        }),
      ]);
    } catch (err) {
      run.child.kill('SIGKILL');
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- ${app} output ---\n${run.output()}`);
    }
    run.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      run.exited,
      new Promise<Run>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${app} did not exit within 30 s of SIGTERM`)), 30_000);
      }),
    ])
      .catch((err: unknown) => {
        run.child.kill('SIGKILL');
        throw err;
      })
      .finally(() => clearTimeout(timer));
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 0, signal: null });
  });
});
