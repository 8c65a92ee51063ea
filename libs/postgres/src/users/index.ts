export { usersMigrations } from './migrations';
export { PostgresUsersRepository } from './postgres-users.repository';
export { PostgresLoginThrottleStore } from './postgres-login-throttle.store';
export { PostgresUsersModule } from './postgres-users.module';
