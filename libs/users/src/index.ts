// Users and login: the model, password rules and hashing, domain errors, and the ports their
// stores implement (adapters: @smartgrid/postgres).
export { isActiveAdmin } from './user.model';
export type { NewUser, User, UserChanges } from './user.model';
export {
  burnPasswordCheck, hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblems, SCRYPT_DEFAULTS, USERNAME_PATTERN, verifyPassword,
} from './password.hashing';
export {
  AccountDisabledError, InvalidCredentialsError, LastAdminError, LoginThrottledError, NothingToChangeError, PasswordRejectedError, UsernameTakenError,
  UserNotFoundError,
} from './users.errors';
export { AUDIT_ACTIONS } from './users.actions';
export { progressiveDelaySeconds, refusedBeforeAttempt, throttleKeys } from './login-throttle.rules';
export type { LoginThrottlePolicy, ThrottledBy } from './login-throttle.rules';
export * from './ports';
