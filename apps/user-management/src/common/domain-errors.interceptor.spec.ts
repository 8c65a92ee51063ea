import { HttpException } from '@nestjs/common';
import { toErrorBody } from '@smartgrid/http';
import {
  AccountDisabledError, InvalidCredentialsError, LastAdminError, LoginThrottledError, NothingToChangeError, PasswordRejectedError, UsernameTakenError,
  UserNotFoundError,
} from '@smartgrid/users';
import { toHttpError } from './domain-errors.interceptor';

describe('toHttpError', () => {
  const answer = (e: Error) => {
    const http = toHttpError(e);
    expect(http).toBeInstanceOf(HttpException);
    return { status: (http as HttpException).getStatus(), body: toErrorBody(http).body };
  };

  it.each([
    [new UserNotFoundError('u-1'), 404, 'user u-1 not found'],
    [new UsernameTakenError('alice'), 409, 'username "alice" is already taken (usernames are compared case-insensitively)'],
    [new LastAdminError(), 409, 'this is the last enabled admin: create or enable another admin first'],
    [new InvalidCredentialsError(), 401, 'Invalid username or password'],
    [new AccountDisabledError(), 403, 'This account is disabled'],
    [new LoginThrottledError(42), 429, 'Too many failed logins; try again in 42 s'],
  ])('%s → %i', (error, status, message) => {
    expect(answer(error)).toEqual({ status, body: expect.objectContaining({ statusCode: status, message }) });
  });

  it('turns input problems into a 400 naming the field', () => {
    expect(answer(new PasswordRejectedError(['too short', 'too common'])).body).toMatchObject({
      statusCode: 400,
      fields: [{ field: 'password', message: 'too short' }, { field: 'password', message: 'too common' }],
    });
    expect(answer(new NothingToChangeError()).body).toMatchObject({ statusCode: 400, fields: [{ field: 'body' }] });
  });

  it('leaves other errors alone (they become a 500 that reveals nothing)', () => {
    const other = new Error('connection refused');
    expect(toHttpError(other)).toBe(other);
  });
});
