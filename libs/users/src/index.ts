// Users and login: the model, password rules and hashing, domain errors, and the ports their
// stores implement (adapters: @smartgrid/postgres).
export { isActiveAdmin } from './user';
export type { NewUser, User, UserChanges } from './user';
export {
  burnPasswordCheck, hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblems, SCRYPT_DEFAULTS, USERNAME_PATTERN, verifyPassword,
} from './password';
export {
  AccountDisabledError, InvalidCredentialsError, LastAdminError, LoginThrottledError, NothingToChangeError, PasswordRejectedError, UsernameTakenError,
  UserNotFoundError,
} from './users.errors';
export { AUDIT_ACTIONS } from './audit-actions';
export { progressiveDelaySeconds, refusedBeforeAttempt, throttleKeys } from './login-throttle';
export type { LoginThrottlePolicy, ThrottledBy } from './login-throttle';
export * from './ports';
