import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/**
 * The Content-Security-Policy of every response. The only pages served are the Swagger UI at
 * /docs: its HTML loads its scripts from /docs/*.js (same origin, no inline script, so
 * `script-src 'self'` holds), carries inline <style> blocks and data: icons, and fetches
 * /docs-json and, with "Try it out", the API itself (same origin). Nothing may frame a page,
 * load plugins or post forms elsewhere.
 */
export const CONTENT_SECURITY_POLICY: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

export type HeadersMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Security headers for every response (helmet): the CSP above, `X-Content-Type-Options:
 * nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`, HSTS (honoured by
 * browsers over HTTPS only), cross-origin isolation headers, and no `X-Powered-By`.
 * `upgrade-insecure-requests` is left out: the apps are often reached over plain HTTP inside a
 * network, and it would make browsers fetch the docs' scripts over HTTPS.
 */
export function securityHeaders(): HeadersMiddleware {
  const directives: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(CONTENT_SECURITY_POLICY)) directives[k] = [...v];
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  });
}
