import { applyDecorators, Controller, Get, Type } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Role, Roles } from '@smartgrid/auth';
import { ApiErrors } from '@smartgrid/http';

/** An error answer as ApiErrors takes it: a status with its usual description, or statuses with this route's. */
export type ErrorSpec = Parameters<typeof ApiErrors>[number];

/** What a route does and answers on success: 200 with `ok`, 201 with `created` (neither: documented apart). */
export interface RouteAnswer {
  summary: string;
  ok?: Type;
  created?: Type;
  /** What the success body holds, where its type alone does not say. */
  description?: string;
}

/** Documents what a route does and its success body (OpenAPI only). */
export function ApiAnswer(answer: RouteAnswer): MethodDecorator {
  const described = answer.description === undefined ? {} : { description: answer.description };
  return applyDecorators(
    ApiOperation({ summary: answer.summary }),
    ...(answer.ok ? [ApiOkResponse({ type: answer.ok, ...described })] : []),
    ...(answer.created ? [ApiCreatedResponse({ type: answer.created, ...described })] : []),
  );
}

/**
 * A route's contract in one place: the least role that may call it (its 403 names the role),
 * what it does and answers, and its own error answers beyond the controller's.
 */
export function ApiRoute(role: Role, answer: RouteAnswer, ...errors: ErrorSpec[]): MethodDecorator {
  return applyDecorators(Roles(role), ApiErrors({ 403: `Role below ${role}` }, ...errors), ApiAnswer(answer));
}

/** A read-only controller of `/api/<feature>` for viewers and up (bearer token, tagged by feature). */
export function ViewerController(feature: string): ClassDecorator {
  return applyDecorators(ApiTags(feature), ApiBearerAuth(), ApiErrors(400, 401, { 403: 'Role below viewer' }), Roles(Role.Viewer), Controller(`api/${feature}`));
}

/** `GET :id/readings` of a device: `what` starts the summary, `response` is its JSON body. */
export function ReadingsRoute(what: string, response: Type): MethodDecorator {
  return applyDecorators(
    Get(':id/readings'),
    ApiOperation({
      summary: `${what} in [from, to), newest first (default: last 24 h, at most 31 days): a JSON page (limit, cursor), the whole range as NDJSON or CSV (format), or downsampled buckets (step)`,
    }),
    ApiProduces('application/json', 'application/x-ndjson', 'text/csv'),
    ApiOkResponse({ type: response }),
    ApiErrors(503),
  );
}
