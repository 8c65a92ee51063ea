// Unit specs live beside the code (*.spec.ts); end-to-end specs against the real local
// servers live under test/ and apps/*/test (*.e2e-spec.ts) and always run in band.
const libs = ['config', 'postgres', 'cassandra', 'mongo', 'kafka', 'hybrid-storage', 'auth', 'http', 'observability', 'health', 'audit', 'users', 'bootstrap', 'registry', 'events', 'testing'];
const moduleNameMapper = Object.fromEntries(
  libs.map((l) => [`^@smartgrid/${l}$`, `<rootDir>/libs/${l}/src`]),
);
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  // NestJS 12 packages are ESM-only; Jest's CommonJS runtime on Node < 24.9 cannot require()
  // them, so they are rewritten to CommonJS (see test/support/esm-to-cjs.transform.js).
  '^.+\\.m?js$': '<rootDir>/test/support/esm-to-cjs.transform.js',
};
const transformIgnorePatterns = ['/node_modules/(?!(@nestjs)/)'];
// Output of the code under test goes to .local/test-logs/<test path>.log (test-logs.environment.ts);
// the test-logs reporter prints the failing test's part of it after Jest's own report.
const testEnvironment = '<rootDir>/test/support/test-logs.environment.ts';
const common = { rootDir: __dirname, testEnvironment, moduleFileExtensions: ['ts', 'js', 'json'], transform, transformIgnorePatterns, moduleNameMapper };

module.exports = {
  reporters: ['default', ['<rootDir>/test/support/test-logs.reporter.js', { lines: 40 }]],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/apps/**/src/**/*.spec.ts', '<rootDir>/libs/**/src/**/*.spec.ts', '<rootDir>/bench/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/apps/*/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      // testTimeout is a global option that Jest ignores inside `projects`; this sets it per file.
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
      testTimeout: 180000,
    },
  ],
};
