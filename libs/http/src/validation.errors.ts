import { BadRequestException, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { FieldError } from './error-body.model';

/** Flattens class-validator's tree into one entry per failing leaf, named by its dotted path. */
export function toFieldErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const messages = Object.values(e.constraints ?? {});
    if (messages.length > 0) out.push({ field, message: messages.join('; ') });
    if (e.children && e.children.length > 0) out.push(...toFieldErrors(e.children, field));
  }
  return out;
}

/** A 400 whose body lists the offending fields; the HttpErrorFilter keeps `fields` as is. */
export class InvalidInputException extends BadRequestException {
  constructor(readonly fields: FieldError[]) {
    super({
      statusCode: 400,
      error: 'Bad Request',
      message: `Invalid input: ${fields.map((f) => f.field).join(', ')}`,
      fields,
    });
  }
}

/**
 * The pipe both apps install globally: unknown properties are refused (not silently dropped),
 * payloads are turned into their DTO classes, and every failure names its field.
 */
export function createValidationPipe(overrides: ValidationPipeOptions = {}): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => new InvalidInputException(toFieldErrors(errors)),
    ...overrides,
  });
}
