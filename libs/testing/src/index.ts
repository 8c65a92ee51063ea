export { uniqueName } from './test.names';
export { testEnv } from './test.env';
export type { TestEnv } from './test.env';
export { adminClient, adminPool, APP_ROLES, appRoleEnv, createTestDatabase, dropTestDatabase } from './postgres.fixtures';
export type { TestDatabase } from './postgres.fixtures';
export { deleteTestTopics, dropKeyspace, dropMongoDatabase, setupTestStack } from './test.stack';
export type { TestStack } from './test.stack';
export { ensureServersUp, isServerUp, REPO_ROOT, restoreServersThen, runStack, startServer, stopServer } from './servers.control';
export type { ServerName, StackResult } from './servers.control';
export { waitFor } from './wait.util';
export { migrationsLockDrift } from './migrations.lock';
export { InMemoryBacklogStore, InMemoryQuarantineStore, InMemoryTimeSeriesStore } from './hybrid-storage.doubles';
export {
  InMemoryAuditLogStore, InMemoryLoginThrottleStore, InMemoryTokenRevocationOutbox, InMemoryUserManagementDb, InMemoryUsersRepository,
} from './user-stores.doubles';
export { logChildOutput, TEST_OUTPUT_ENV } from './child-output.capture';
export { OpenApiContract } from './openapi.contract';
export type { OpenApiContractOptions, OpenApiDocument } from './openapi.contract';
export { CheckedApi } from './checked-api.client';
export type { ApiCallOptions, ApiMethod } from './checked-api.client';
export { httpFrom } from './http-from.client';
export type { PlainResponse } from './http-from.client';
export { startAppOnStack } from './app.fixtures';
export type { AppEntry, AppOnStack } from './app.fixtures';
export { applyTestEnv, initModules } from './module.fixtures';
