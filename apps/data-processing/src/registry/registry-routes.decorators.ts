import { applyDecorators, Controller, Delete, Get, HttpCode, Patch, Post, Type, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Role } from '@smartgrid/auth';
import { ApiErrors } from '@smartgrid/http';
import { ApiRoute, RouteAnswer } from '../common/api-routes.decorators';
import { RegistryErrorsInterceptor } from './registry-errors.interceptor';
import { ApiRegistryListing } from './registry.dto';

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

// The routes on one record of a registry (`kind`: customer, meter, sensor) answer and fail alike.

/** `GET`: a page of records (`page`), filtered by `query`'s fields; devices also as a GeoJSON FeatureCollection (`geojson`). */
export function RecordListRoute(summary: string, query: Type, page: Type, geojson?: Type): MethodDecorator {
  return applyDecorators(Get(), RegistryRead({ summary }, { 400: 'A filter is malformed; fields names it' }), ApiRegistryListing(query, page, geojson));
}

/** `POST`: registers a record (201), or completes one first seen in a reading; `invalid` says what a 400 covers. */
export function RecordCreateRoute(kind: string, answer: RouteAnswer, invalid = 'Invalid input; fields names it'): MethodDecorator {
  return applyDecorators(Post(), RegistryChange(answer, { 400: invalid, 409: `A registered ${kind} with this id exists` }));
}

/** `GET :id`: the record, or 404. */
export function RecordGetRoute(kind: string, answer: RouteAnswer): MethodDecorator {
  return applyDecorators(Get(':id'), RegistryRead(answer, { 404: `No such ${kind}` }));
}

/** `PATCH :id`: the given fields change (null clears); answers the record as it now is. */
export function RecordUpdateRoute(kind: string, answer: RouteAnswer): MethodDecorator {
  return applyDecorators(Patch(':id'), RegistryChange(answer, { 400: 'Invalid input; fields names it', 404: `No such ${kind}` }));
}

/** `DELETE :id` of a mistaken registration: answers the deleted record (200); `conflict` says when it must stay. */
export function RecordDeleteRoute(kind: string, answer: RouteAnswer, conflict: string): MethodDecorator {
  return applyDecorators(Delete(':id'), HttpCode(200), RegistryChange({ description: `The deleted ${kind}`, ...answer }, { 404: `No such ${kind}`, 409: conflict }));
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
