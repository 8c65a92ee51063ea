import { CallHandler, ConflictException, Injectable, NestInterceptor, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { InvalidInputException } from '@smartgrid/http';
import {
  RegistryConflictError,
  RegistryHasHistoryError,
  RegistryInputError,
  RegistryNotFoundError,
  RegistryStoreUnavailableError,
} from '@smartgrid/registry';
import { catchError, Observable, throwError } from 'rxjs';

/** The HTTP answer to a registry error, or the error itself when it is not one. */
export function registryHttpError(e: unknown): unknown {
  if (e instanceof RegistryNotFoundError) return new NotFoundException(e.message);
  if (e instanceof RegistryConflictError || e instanceof RegistryHasHistoryError) return new ConflictException(e.message);
  if (e instanceof RegistryInputError) return new InvalidInputException([{ field: e.field, message: e.message }]);
  if (e instanceof RegistryStoreUnavailableError) return new ServiceUnavailableException(e.message);
  return e;
}

/** Maps the registry's domain errors to HTTP errors (the global filter writes the body). */
@Injectable()
export class RegistryErrorsInterceptor implements NestInterceptor {
  intercept(_: unknown, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((e: unknown) => throwError(() => registryHttpError(e))));
  }
}
