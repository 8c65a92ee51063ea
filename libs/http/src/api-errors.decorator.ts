import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponse } from './error-response.dto';

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `fields` names each problem',
  401: 'No or invalid bearer token',
  403: 'Role too low',
  404: 'Not found',
  409: 'Conflict with the current state',
  429: 'Too many requests; see Retry-After',
  500: 'Unexpected error (details in the server log under requestId)',
  503: 'No store could answer',
};

/**
 * Documents error answers with the shared ErrorResponse schema, on a route or a controller:
 * `@ApiErrors(400, 401)` with the usual descriptions, or `@ApiErrors({ 409: 'Username taken' })`
 * to say what the status means on this route.
 */
export function ApiErrors(...specs: (number | Record<number, string>)[]): MethodDecorator & ClassDecorator {
  const statuses = specs.flatMap((s) => (typeof s === 'number' ? [[s, DEFAULT_DESCRIPTIONS[s] ?? 'Error'] as const] : Object.entries(s).map(([k, v]) => [Number(k), v] as const)));
  return applyDecorators(...statuses.map(([status, description]) => ApiResponse({ status, description, type: ErrorResponse })));
}
