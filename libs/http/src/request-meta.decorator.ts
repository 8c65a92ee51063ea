import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { assignRequestId } from './request-id.middleware';

/** Who sent a request and under which id: what the audit log records beside the actor. */
export interface RequestMeta {
  requestId: string;
  clientAddress: string | null;
  userAgent: string | null;
}

interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
  requestId?: string;
  ip?: string;
  socket?: { remoteAddress?: string };
}

export function requestMetaOf(req: HttpRequestLike): RequestMeta {
  const ua = req.headers['user-agent'];
  return {
    requestId: assignRequestId(req),
    // req.ip honours Express's "trust proxy" setting; without it this is the peer address.
    clientAddress: req.ip ?? req.socket?.remoteAddress ?? null,
    userAgent: typeof ua === 'string' ? ua.slice(0, 256) : null,
  };
}

/** `@ReqMeta() meta: RequestMeta` in a controller method. */
export const ReqMeta = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestMeta =>
  requestMetaOf(ctx.switchToHttp().getRequest<HttpRequestLike>()),
);
