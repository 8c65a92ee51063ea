import { applyDecorators, Controller, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Role } from '@smartgrid/auth';
import { ApiErrors } from '@smartgrid/http';
import { ApiRoute, RouteAnswer } from '../common/api-routes.decorators';
import { RegistryErrorsInterceptor } from './registry-errors.interceptor';

/** A registry read: viewers and up; `errors` are the route's own error statuses. */
export function RegistryRead(answer: RouteAnswer, errors: Record<number, string> = {}): MethodDecorator {
  return ApiRoute(Role.Viewer, answer, errors);
}

/**
 * A registry change: operators and up. Every change is audited (RegistryAudit), and a change
 * whose audit event cannot be published answers 500 saying it was carried out.
 */
export function RegistryChange(answer: RouteAnswer, errors: Record<number, string>): MethodDecorator {
  return ApiRoute(Role.Operator, answer, { 500: 'Carried out, but its audit event could not be published', ...errors });
}

/** A registry controller of `/api/<feature>`: bearer token, registry errors mapped to HTTP (503 when PostgreSQL does not answer). */
export function RegistryController(feature: string): ClassDecorator {
  return applyDecorators(
    ApiTags(feature),
    ApiBearerAuth(),
    ApiErrors(400, 401, { 503: 'PostgreSQL (the registry) does not answer' }),
    UseInterceptors(RegistryErrorsInterceptor),
    Controller(`api/${feature}`),
  );
}
