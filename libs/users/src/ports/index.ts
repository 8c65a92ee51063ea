export { USERS_REPOSITORY } from './users-repository.port';
export type { UsersRepository } from './users-repository.port';
export { LOGIN_THROTTLE_STORE } from './login-throttle-store.port';
export type { LoginThrottleStore, ProgressivePolicy, ThrottlePolicy, ThrottleState } from './login-throttle-store.port';
