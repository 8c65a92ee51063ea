import { Injectable, NestMiddleware } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

// A caller-supplied id is kept only when it is short and printable, so it cannot smuggle
// log lines or bloat the audit log.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:@/-]{1,128}$/;

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  requestId?: string;
}
interface ResponseLike {
  setHeader(name: string, value: string): unknown;
}

/** Gives every request an id (the caller's X-Request-Id when acceptable) and echoes it back. */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware<RequestLike, ResponseLike> {
  use(req: RequestLike, res: ResponseLike, next: () => void): void {
    assignRequestId(req, res);
    next();
  }
}

export function assignRequestId(req: RequestLike, res?: ResponseLike): string {
  if (req.requestId) return req.requestId;
  const supplied = req.headers[REQUEST_ID_HEADER];
  const candidate = Array.isArray(supplied) ? supplied[0] : supplied;
  const id = candidate && ACCEPTABLE_ID.test(candidate) ? candidate : randomUUID();
  req.requestId = id;
  res?.setHeader('X-Request-Id', id);
  return id;
}
