export { USERS_REPOSITORY } from './users-repository.port';
export type { UsersRepository } from './users-repository.port';
export { LOGIN_THROTTLE_STORE } from './login-throttle-store.port';
export { TOKEN_REVOCATION_OUTBOX } from './token-revocation-outbox.port';
export type { TokenRevocationOutbox } from './token-revocation-outbox.port';
export type { LoginThrottleStore, ProgressivePolicy, ThrottlePolicy, ThrottleState } from './login-throttle-store.port';
