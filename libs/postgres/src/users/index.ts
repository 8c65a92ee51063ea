export { usersMigrations } from './migrations';
export { UsersPgRepository, UsernameTakenError } from './users-pg.repository';
export { LoginThrottleRepository } from './login-throttle.repository';
export type { ThrottlePolicy } from './login-throttle.repository';
export type { UserRow, UserRowChanges } from './user-row';
