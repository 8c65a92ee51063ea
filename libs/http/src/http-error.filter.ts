import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import { throwError, Observable } from 'rxjs';
import { ErrorBody, FieldError } from './error-body.model';

interface RequestLike {
  requestId?: string;
  method?: string;
  url?: string;
}

function isFieldErrorList(v: unknown): v is FieldError[] {
  return Array.isArray(v) && v.every((f) => typeof f === 'object' && f !== null && 'field' in f && 'message' in f);
}

/** body-parser's "malformed JSON" is a SyntaxError with status 400, wrapped by the adapter. */
function isMalformedJson(e: HttpException): boolean {
  const cause = e.cause as { type?: unknown } | undefined;
  return e.getStatus() === 400 && (cause instanceof SyntaxError || cause?.type === 'entity.parse.failed');
}

/**
 * Maps any error to the shared ErrorBody; unknown errors become a 500 that reveals nothing.
 * An HttpException built with an object that has no `message` is a deliberate body (e.g.
 * terminus' readiness report with per-store status) and is passed through as it is.
 */
export function toErrorBody(exception: unknown): { body: ErrorBody | Record<string, unknown>; unexpected: boolean } {
  if (!(exception instanceof HttpException)) {
    return {
      body: { statusCode: 500, error: STATUS_CODES[500] ?? 'Internal Server Error', message: 'Internal server error' },
      unexpected: true,
    };
  }
  const statusCode = exception.getStatus();
  const error = STATUS_CODES[statusCode] ?? 'Error';
  if (isMalformedJson(exception)) {
    const message = 'Malformed JSON body';
    return { body: { statusCode, error, message, fields: [{ field: 'body', message: `${message}: ${exception.message}` }] }, unexpected: false };
  }
  const raw = exception.getResponse();
  if (typeof raw === 'object' && raw !== null && !('message' in raw)) return { body: raw as Record<string, unknown>, unexpected: false };
  let message = exception.message;
  let fields: FieldError[] | undefined;
  if (typeof raw === 'string') message = raw;
  else if (typeof raw === 'object' && raw !== null) {
    const r = raw as { message?: unknown; fields?: unknown };
    if (typeof r.message === 'string') message = r.message;
    else if (Array.isArray(r.message)) message = r.message.map(String).join('; ');
    if (isFieldErrorList(r.fields)) fields = r.fields;
  }
  return { body: { statusCode, error, message, ...(fields ? { fields } : {}) }, unexpected: statusCode >= 500 };
}

/** Global filter for HTTP: one error body shape for both apps; other transports rethrow. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() !== 'http') return throwError(() => exception);
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<RequestLike>();
    const { body, unexpected } = toErrorBody(exception);
    const status = exception instanceof HttpException ? exception.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
    if (req.requestId && 'statusCode' in body) body.requestId = req.requestId;
    const where = `${req.method ?? ''} ${req.url ?? ''} (request ${req.requestId ?? '-'})`;
    if (!(exception instanceof HttpException)) {
      this.logger.error(`${where} failed`, exception instanceof Error ? exception.stack : String(exception));
    } else if (unexpected) {
      this.logger.warn(`${where} answered ${status}: ${exception.message}`);
    }
    const { httpAdapter } = this.adapterHost;
    const res: unknown = ctx.getResponse();
    if (httpAdapter.isHeadersSent(res)) return;
    httpAdapter.reply(res, body, status);
  }
}
