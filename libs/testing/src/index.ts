export { uniqueName } from './names';
export { testEnv } from './env';
export type { TestEnv } from './env';
export { adminClient, adminPool, APP_ROLES, appRoleEnv, createTestDatabase, dropTestDatabase } from './postgres';
export type { TestDatabase } from './postgres';
export { deleteTestTopics, dropKeyspace, dropMongoDatabase, setupTestStack } from './stack';
export type { TestStack } from './stack';
export { isServerUp, REPO_ROOT, runStack, startServer, stopServer } from './servers';
export type { ServerName, StackResult } from './servers';
export { waitFor } from './wait';
export { InMemoryBacklogStore, InMemoryQuarantineStore, InMemoryTimeSeriesStore } from './hybrid-storage-doubles';
export {
  InMemoryAuditLogStore, InMemoryLoginThrottleStore, InMemoryTokenRevocationOutbox, InMemoryUserManagementDb, InMemoryUsersRepository,
} from './in-memory-user-stores';
export { logChildOutput, TEST_OUTPUT_ENV } from './child-output';
export { OpenApiContract } from './openapi-contract';
export type { OpenApiContractOptions, OpenApiDocument } from './openapi-contract';
export { httpFrom } from './http-from';
export type { PlainResponse } from './http-from';
