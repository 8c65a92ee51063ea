import {
  AccountDisabledError, InvalidCredentialsError, LastAdminError, LoginThrottledError, NothingToChangeError, PasswordRejectedError, UsernameTakenError,
  UserNotFoundError,
} from './users.errors';

describe('users errors', () => {
  it.each([
    [new UserNotFoundError('u-1'), 'UserNotFoundError', 'user u-1 not found'],
    [new UsernameTakenError('Ada'), 'UsernameTakenError', 'username "Ada" is already taken (usernames are compared case-insensitively)'],
    [new LastAdminError(), 'LastAdminError', 'this is the last enabled admin: create or enable another admin first'],
    [new PasswordRejectedError(['too short', 'too plain']), 'PasswordRejectedError', 'password is not acceptable: too short; too plain'],
    [new NothingToChangeError(), 'NothingToChangeError', 'nothing to change: give role, disabled and/or password'],
    [new InvalidCredentialsError(), 'InvalidCredentialsError', 'Invalid username or password'],
    [new AccountDisabledError(), 'AccountDisabledError', 'This account is disabled'],
    [new LoginThrottledError(30), 'LoginThrottledError', 'Too many failed logins; try again in 30 s'],
  ])('%s is an Error named %s with its message', (err, name, message) => {
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
    expect(err.message).toBe(message);
    expect(String(err)).toBe(`${name}: ${message}`);
  });

  it('keeps what the app answers with', () => {
    expect(new PasswordRejectedError(['x'], 'newPassword')).toMatchObject({ problems: ['x'], field: 'newPassword', message: 'newPassword is not acceptable: x' });
    expect(new LoginThrottledError(12).retryAfterSeconds).toBe(12);
    expect(new UserNotFoundError('u-2').userId).toBe('u-2');
  });
});
