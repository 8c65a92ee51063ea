// Where a test file's logs go, shared by the test environment (TypeScript, transformed by
// Jest) and the reporter (plain CommonJS: Jest loads reporters without a transform).
const path = require('path');

/** `<state dir>/test-logs`, the state dir being SMARTGRID_STATE_DIR or `<root>/.local`. */
function testLogDir(rootDir) {
  return path.join(process.env.SMARTGRID_STATE_DIR || path.join(rootDir, '.local'), 'test-logs');
}

/** `.local/test-logs/<test path relative to the root, .ts replaced by .log>`. */
function testLogFile(rootDir, testPath) {
  return path.join(testLogDir(rootDir), path.relative(rootDir, testPath).replace(/\.[cm]?[jt]s$/, '') + '.log');
}

module.exports = { testLogDir, testLogFile };
