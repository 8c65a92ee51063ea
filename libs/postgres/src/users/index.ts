export { usersMigrations } from './migrations';
export { usersGrants } from './users.grants';
export { PostgresUsersRepository } from './postgres-users.repository';
export { PostgresLoginThrottleStore } from './postgres-login-throttle.store';
export { PostgresTokenRevocationOutbox } from './postgres-token-revocation.outbox';
export { PostgresUsersModule } from './postgres-users.module';
