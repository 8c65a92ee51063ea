import { Console } from 'console';
import { appendFileSync, closeSync, mkdirSync, openSync, writeSync } from 'fs';
import { dirname } from 'path';
import { Writable } from 'stream';
import { TestEnvironment } from 'jest-environment-node';
// Relative, not the @smartgrid/testing barrel: Jest loads environments outside its module mapper.
import { TEST_OUTPUT_ENV } from '../../libs/testing/src/child-output.capture';
import { testLogFile } from './test-logs';

type Write = typeof process.stdout.write;

// The part of jest-circus' events this environment reads.
interface DescribeBlock {
  name: string;
  parent?: DescribeBlock;
}
interface TestEntry extends DescribeBlock {
  errors: unknown[];
}
interface TestEvent {
  name: string;
  test?: TestEntry;
}

/** The name Jest reports for a test (`fullName`): describe titles and the test title, space-joined. */
function fullNameOf(test: TestEntry): string {
  const names: string[] = [test.name];
  for (let block = test.parent; block && block.parent; block = block.parent) names.unshift(block.name);
  return names.join(' ');
}

/**
 * Node test environment that sends everything a test file prints — Nest's Logger, kafkajs and
 * other drivers, `console.*`, child processes piped through the test helpers — to
 * `.local/test-logs/<test path>.log` instead of the terminal, with a marker line around each
 * test. The test-logs reporter prints the relevant part of that file when a test fails, so a
 * green run shows one line per file and a red one shows the failure next to its logs.
 * `TEST_LOGS=console` leaves the output on the terminal (live debugging).
 */
export default class TestLogsEnvironment extends TestEnvironment {
  private readonly logFile: string;
  private fd: number | undefined;
  private restore: (() => void) | undefined;

  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    const [config, context] = args;
    this.logFile = testLogFile(config.projectConfig.rootDir, context.testPath);
  }

  override async setup(): Promise<void> {
    await super.setup();
    // logChildOutput copies child processes' output only in a test run.
    this.global.process.env[TEST_OUTPUT_ENV] = '1';
    if (process.env.TEST_LOGS === 'console') return;
    mkdirSync(dirname(this.logFile), { recursive: true });
    this.fd = openSync(this.logFile, 'w');
    const sink = (chunk: string | Uint8Array): void => {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      // A timer the file left behind may still log after teardown closed the descriptor.
      if (this.fd === undefined) appendFileSync(this.logFile, data);
      else writeSync(this.fd, data);
    };
    // The environment runs in Jest's own process (in band) or worker: the streams are the
    // real ones, shared with the code under test, whatever module registry loaded it.
    const out = process.stdout.write;
    const err = process.stderr.write;
    const divert = ((chunk: string | Uint8Array, encoding?: unknown, cb?: unknown): boolean => {
      sink(chunk);
      const done = typeof encoding === 'function' ? encoding : cb;
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    }) as Write;
    process.stdout.write = divert;
    process.stderr.write = divert;
    this.restore = () => {
      process.stdout.write = out;
      process.stderr.write = err;
    };
    // Jest's own console for the file buffers output and prints it after the file: write it
    // to the log instead, as it happens.
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        sink(chunk);
        callback();
      },
    });
    this.global.console = new Console({ stdout: stream, stderr: stream });
    // Plain text in the file (Nest colours its log lines unless NO_COLOR is set).
    this.global.process.env.NO_COLOR = '1';
    sink(`# ${this.logFile}\n# started ${new Date().toISOString()}\n`);
  }

  handleTestEvent(event: TestEvent): void {
    const test = event.test;
    if (this.fd === undefined || !test) return;
    if (event.name === 'test_start') writeSync(this.fd, `\n=== test: ${fullNameOf(test)}\n`);
    if (event.name === 'test_done') writeSync(this.fd, `=== end: ${fullNameOf(test)} (${test.errors.length > 0 ? 'failed' : 'passed'})\n`);
  }

  override async teardown(): Promise<void> {
    this.restore?.();
    this.restore = undefined;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    await super.teardown();
  }
}
