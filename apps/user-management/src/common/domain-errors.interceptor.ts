import {
  CallHandler, ConflictException, ExecutionContext, ForbiddenException, HttpException, HttpStatus, Injectable, NestInterceptor, NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { InvalidInputException } from '@smartgrid/http';
import {
  AccountDisabledError, InvalidCredentialsError, LastAdminError, LoginThrottledError, NothingToChangeError, PasswordRejectedError, UsernameTakenError,
  UserNotFoundError,
} from '@smartgrid/users';
import type { Response } from 'express';
import { catchError, Observable, throwError } from 'rxjs';

/** 429 with the body shape of every error; Retry-After is set by the interceptor. */
class TooManyRequestsException extends HttpException {
  constructor(message: string) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** The HTTP answer to a domain error, or the error itself when it is not one. */
export function toHttpError(e: unknown): unknown {
  if (e instanceof UserNotFoundError) return new NotFoundException(e.message);
  if (e instanceof UsernameTakenError || e instanceof LastAdminError) return new ConflictException(e.message);
  if (e instanceof PasswordRejectedError) return new InvalidInputException(e.problems.map((message) => ({ field: e.field, message })));
  if (e instanceof NothingToChangeError) return new InvalidInputException([{ field: 'body', message: e.message }]);
  if (e instanceof InvalidCredentialsError) return new UnauthorizedException(e.message);
  if (e instanceof AccountDisabledError) return new ForbiddenException(e.message);
  if (e instanceof LoginThrottledError) return new TooManyRequestsException(e.message);
  return e;
}

/**
 * Maps the users domain's errors to HTTP errors (the global error filter then writes the
 * body), so services stay free of HTTP and controllers free of try/catch.
 */
@Injectable()
export class DomainErrorsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((e: unknown) => {
        if (e instanceof LoginThrottledError && context.getType() === 'http') {
          context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(e.retryAfterSeconds));
        }
        return throwError(() => toHttpError(e));
      }),
    );
  }
}
