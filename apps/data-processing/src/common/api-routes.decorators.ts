import { applyDecorators, Controller, Get, Type } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Role, Roles } from '@smartgrid/auth';
import { ApiErrors } from '@smartgrid/http';

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
