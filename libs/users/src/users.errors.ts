// Domain errors of users and login. Services throw them; the app maps each to its HTTP answer.

/** Named after its class, so logs and `err.name` say which error it is. */
abstract class UsersError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class UserNotFoundError extends UsersError {
  constructor(readonly userId: string) {
    super(`user ${userId} not found`);
  }
}

/** Usernames are unique regardless of case. */
export class UsernameTakenError extends UsersError {
  constructor(readonly username: string) {
    super(`username "${username}" is already taken (usernames are compared case-insensitively)`);
  }
}

/** The change would leave no enabled admin, and so nobody able to manage users. */
export class LastAdminError extends UsersError {
  constructor() {
    super('this is the last enabled admin: create or enable another admin first');
  }
}

/** A password that breaks the rules; one message per rule broken, for the named field. */
export class PasswordRejectedError extends UsersError {
  constructor(
    readonly problems: string[],
    readonly field = 'password',
  ) {
    super(`${field} is not acceptable: ${problems.join('; ')}`);
  }
}

/** An update that names nothing to change. */
export class NothingToChangeError extends UsersError {
  constructor() {
    super('nothing to change: give role, disabled and/or password');
  }
}

/** Unknown username or wrong password: deliberately the same error for both. */
export class InvalidCredentialsError extends UsersError {
  constructor() {
    super('Invalid username or password');
  }
}

/** Right password, but the account is disabled. */
export class AccountDisabledError extends UsersError {
  constructor() {
    super('This account is disabled');
  }
}

/** Too many failed logins for the username or the client address. */
export class LoginThrottledError extends UsersError {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed logins; try again in ${retryAfterSeconds} s`);
  }
}
