import { ServiceUnavailableException } from '@nestjs/common';
import { ReadingValidationError, StorageReadError, StorageUnavailableError } from '@smartgrid/hybrid-storage';
import { InvalidInputException } from '@smartgrid/http';

/** Maps storage errors to HTTP: bad input 400 naming the field, no store answering 503. */
export function toHttpError(err: unknown): unknown {
  if (err instanceof ReadingValidationError) return new InvalidInputException([{ field: err.field, message: `${err.field} ${err.detail}` }]);
  if (err instanceof StorageReadError) {
    return new ServiceUnavailableException(`no store could answer: ${err.attempts.map((a) => `${a.store}: ${a.error}`).join('; ')}`);
  }
  if (err instanceof StorageUnavailableError) return new ServiceUnavailableException(err.message);
  return err;
}
