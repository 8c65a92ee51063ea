import type { ConfigType } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { httpConfig } from '@smartgrid/config';
import { REQUEST_ID_HEADER, securityHeaders } from '@smartgrid/http';

/**
 * What every response of both apps goes through, before any route: security headers (also on
 * /health, /metrics, /docs and on errors), no X-Powered-By, the client address as configured
 * (TRUST_PROXY), JSON bodies up to HTTP_BODY_LIMIT_KB (413 above; no other body types are
 * parsed), and CORS only for the origins listed in CORS_ORIGINS.
 */
export function applyHttpSurface(app: NestExpressApplication, cfg: ConfigType<typeof httpConfig>): void {
  app.disable('x-powered-by');
  // false by default: req.ip is the socket peer, so a client cannot pick its own address
  // with X-Forwarded-For (login throttling and the audit log key on it).
  app.set('trust proxy', cfg.trustProxy);
  app.use(securityHeaders());
  app.useBodyParser('json', { limit: `${cfg.bodyLimitKb}kb` });
  if (cfg.corsOrigins.length > 0) {
    app.enableCors({
      origin: cfg.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', REQUEST_ID_HEADER],
      exposedHeaders: [REQUEST_ID_HEADER, 'Retry-After', 'WWW-Authenticate'],
      // Bearer tokens travel in a header, never in cookies.
      credentials: false,
      maxAge: 600,
    });
  }
}
