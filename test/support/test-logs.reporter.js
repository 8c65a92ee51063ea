// Jest reporter: after a test file with a failure, prints the part of its log file
// (.local/test-logs/…, written by test-logs.environment.ts) that belongs to each failing test,
// or the end of the file when the file itself failed (a hook, a syntax error). Green files
// print nothing here. Runs after Jest's default reporter, so the assertion comes first.
const fs = require('fs');
const path = require('path');
const { testLogFile } = require('./test-logs');

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
const MAX_FAILED_TESTS_SHOWN = 5;

class TestLogsReporter {
  constructor(globalConfig, options = {}) {
    this.rootDir = globalConfig.rootDir;
    this.lines = Number(process.env.TEST_LOG_TAIL_LINES) || options.lines || 40;
  }

  onTestResult(_test, result) {
    if (process.env.TEST_LOGS === 'console') return;
    const failed = result.testResults.filter((t) => t.status === 'failed');
    if (failed.length === 0 && !result.testExecError) return;
    const file = testLogFile(this.rootDir, result.testFilePath);
    const shown = path.relative(process.cwd(), file);
    let log;
    try {
      log = fs.readFileSync(file, 'utf8').replace(ANSI, '').split('\n');
    } catch {
      process.stderr.write(`  (no log file at ${shown})\n\n`);
      return;
    }
    const out = [];
    const sections = failed.slice(0, MAX_FAILED_TESTS_SHOWN).map((t) => [t.fullName, this.linesUpTo(log, t.fullName)]);
    if (sections.length === 0 || sections.every(([, lines]) => lines === undefined)) {
      out.push(this.block(`end of ${shown}`, log.slice(-this.lines - 1), log.length));
    } else {
      for (const [name, lines] of sections) {
        out.push(this.block(`log up to the end of "${name}" (${shown})`, lines ?? log.slice(-this.lines - 1), log.length));
      }
      if (failed.length > MAX_FAILED_TESTS_SHOWN) out.push(`  … ${failed.length - MAX_FAILED_TESTS_SHOWN} more failing tests: see ${shown}\n`);
    }
    process.stderr.write(`${out.join('\n')}\n`);
  }

  /** The last `this.lines` lines before the test's end marker (its own lines, then what led up to it). */
  linesUpTo(log, fullName) {
    const end = log.lastIndexOf(`=== end: ${fullName} (failed)`);
    if (end < 0) return undefined;
    return log.slice(Math.max(0, end - this.lines), end + 1);
  }

  block(title, lines, total) {
    const body = lines.filter((l, i) => l !== '' || i < lines.length - 1).map((l) => `    │ ${l}`);
    return `  ┌─ ${title}, ${body.length} of ${total} lines\n${body.join('\n')}\n  └─ (TEST_LOGS=console runs with the logs on the terminal)\n`;
  }
}

module.exports = TestLogsReporter;
