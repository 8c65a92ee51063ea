export { usersMigrations } from './migrations';
export { usersGrants } from './users.grants';
export { PostgresUsersRepository } from './postgres-users.repository';
export { PostgresLoginThrottleStore } from './postgres-login-throttle.store';
export { PostgresUsersModule } from './postgres-users.module';
