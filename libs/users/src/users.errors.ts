// Domain errors of users and login. Services throw them; the app maps each to its HTTP answer.

export class UserNotFoundError extends Error {
  constructor(readonly userId: string) {
    super(`user ${userId} not found`);
    this.name = 'UserNotFoundError';
  }
}

/** Usernames are unique regardless of case. */
export class UsernameTakenError extends Error {
  constructor(readonly username: string) {
    super(`username "${username}" is already taken (usernames are compared case-insensitively)`);
    this.name = 'UsernameTakenError';
  }
}

/** The change would leave no enabled admin, and so nobody able to manage users. */
export class LastAdminError extends Error {
  constructor() {
    super('this is the last enabled admin: create or enable another admin first');
    this.name = 'LastAdminError';
  }
}

/** A password that breaks the rules; one message per rule broken, for the named field. */
export class PasswordRejectedError extends Error {
  constructor(
    readonly problems: string[],
    readonly field = 'password',
  ) {
    super(`${field} is not acceptable: ${problems.join('; ')}`);
    this.name = 'PasswordRejectedError';
  }
}

/** An update that names nothing to change. */
export class NothingToChangeError extends Error {
  constructor() {
    super('nothing to change: give role, disabled and/or password');
    this.name = 'NothingToChangeError';
  }
}

/** Unknown username or wrong password: deliberately the same error for both. */
export class InvalidCredentialsError extends Error {
  constructor() {
    super('Invalid username or password');
    this.name = 'InvalidCredentialsError';
  }
}

/** Right password, but the account is disabled. */
export class AccountDisabledError extends Error {
  constructor() {
    super('This account is disabled');
    this.name = 'AccountDisabledError';
  }
}

/** Too many failed logins for the username or the client address. */
export class LoginThrottledError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed logins; try again in ${retryAfterSeconds} s`);
    this.name = 'LoginThrottledError';
  }
}
