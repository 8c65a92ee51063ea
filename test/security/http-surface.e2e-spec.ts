import { INestApplication } from '@nestjs/common';
import { MetricsServer } from '@smartgrid/observability';
import request from 'supertest';
import * as dataProcessing from '../../apps/data-processing/src/data-processing.app';
import * as userManagement from '../../apps/user-management/src/user-management.app';
import { AppsOnStack } from './support/apps-on-stack';

const ADMIN = { ADMIN_USERNAME: 'surface.admin', ADMIN_PASSWORD: 'Surface-Admin-Pass-2026!' };
const METRICS_TOKEN = 'metrics-token-0123456789-abcdefghijklmnop';

/** The headers every answer of both apps carries, whatever the route or status. */
function expectSecurityHeaders(res: request.Response, what: string): void {
  const h = res.headers;
  expect({ what, poweredBy: h['x-powered-by'] }).toEqual({ what, poweredBy: undefined });
  expect({ what, nosniff: h['x-content-type-options'] }).toEqual({ what, nosniff: 'nosniff' });
  expect({ what, frame: h['x-frame-options'] }).toEqual({ what, frame: 'DENY' });
  expect({ what, referrer: h['referrer-policy'] }).toEqual({ what, referrer: 'no-referrer' });
  const csp = String(h['content-security-policy']);
  for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]) {
    expect({ what, csp: csp.includes(directive) }).toEqual({ what, csp: true });
  }
}

describe('HTTP surface of both apps (real servers)', () => {
  let apps: AppsOnStack;
  let um: string;
  let dp: string;
  let dpApp: INestApplication;

  beforeAll(async () => {
    apps = await AppsOnStack.setUp(ADMIN);
    um = (await apps.start(userManagement, { METRICS_PORT: undefined, METRICS_TOKEN: undefined, CORS_ORIGINS: undefined })).base;
    // data-processing with the metrics on their own port (0: any free one).
    const d = await apps.start(dataProcessing, { INGEST_ENABLED: 'false', METRICS_PORT: '0' });
    dp = d.base;
    dpApp = d.app;
  });

  afterAll(() => apps?.close());

  it('sends the security headers and no X-Powered-By on API, health, metrics, docs and error answers', async () => {
    const token = (await request(um).post('/api/auth/login').send({ username: ADMIN.ADMIN_USERNAME, password: ADMIN.ADMIN_PASSWORD }).expect(200)).body
      .accessToken as string;
    const answers: [string, request.Response][] = [
      ['um login', await request(um).post('/api/auth/login').send({ username: 'nobody.here', password: 'Wrong-password-1' }).expect(401)],
      ['um me', await request(um).get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200)],
      ['um no token', await request(um).get('/api/users').expect(401)],
      ['um live', await request(um).get('/health/live').expect(200)],
      ['um ready', await request(um).get('/health/ready').expect(200)],
      ['um metrics', await request(um).get('/metrics').expect(200)],
      ['um docs', await request(um).get('/docs').expect(200)],
      ['um docs-json', await request(um).get('/docs-json').expect(200)],
      ['um 404', await request(um).get('/nothing/here').expect(404)],
      ['dp api', await request(dp).get('/api/storage/status').set('Authorization', `Bearer ${token}`).expect(200)],
      ['dp live', await request(dp).get('/health/live').expect(200)],
      ['dp docs', await request(dp).get('/docs').expect(200)],
      ['dp 401', await request(dp).get('/api/storage/status').expect(401)],
    ];
    for (const [what, res] of answers) expectSecurityHeaders(res, what);
  });

  it('serves the Swagger UI under the CSP: every script and stylesheet from its own origin, no inline script', async () => {
    for (const base of [um, dp]) {
      const page = await request(base).get('/docs').expect(200).expect('content-type', /html/);
      const html = page.text;
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        // script-src 'self' allows only same-origin files: no inline code, no other host.
        expect(body.trim()).toBe('');
        const src = /src="([^"]+)"/.exec(attrs)?.[1];
        expect(src).toBeDefined();
        expect(src).not.toMatch(/^(https?:)?\/\//);
        const file = await request(base).get(new URL(src!, `${base}/docs`).pathname).expect(200);
        expect(file.headers['content-type']).toMatch(/javascript/);
        expectSecurityHeaders(file, src!);
      }
      for (const [, href] of html.matchAll(/<link[^>]+href="([^"]+)"/g)) {
        expect(href).not.toMatch(/^(https?:)?\/\//);
        await request(base).get(new URL(href, `${base}/docs`).pathname).expect(200);
      }
      // The page has inline <style> blocks; the CSP allows inline styles (not scripts).
      expect(html).toContain('<style>');
      expect(String(page.headers['content-security-policy'])).toMatch(/style-src 'self' 'unsafe-inline'/);
      // The init script (same origin) carries the OpenAPI document itself; "Try it out" calls
      // the API on the same origin (connect-src 'self').
      const init = await request(base).get('/docs/swagger-ui-init.js').expect(200);
      expect(init.text).toContain('"swaggerDoc"');
    }
  });

  it('refuses a JSON body over the limit with 413 before parsing it', async () => {
    const huge = JSON.stringify({ username: 'x'.repeat(101 * 1024), password: 'y' });
    const res = await request(um).post('/api/auth/login').set('Content-Type', 'application/json').send(huge).expect(413);
    expect(res.body).toMatchObject({ statusCode: 413 });
    expectSecurityHeaders(res, '413');
  });

  it('answers no CORS headers when CORS_ORIGINS is not set', async () => {
    const res = await request(um).get('/health/live').set('Origin', 'https://evil.example').expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(um).options('/api/users').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('by default serves /metrics to this machine only: a proxied request is refused', async () => {
    await request(um).get('/metrics').expect(200);
    const proxied = await request(um).get('/metrics').set('X-Forwarded-For', '203.0.113.7').expect(403);
    expectSecurityHeaders(proxied, 'metrics 403');
  });

  it('with METRICS_PORT, /metrics is on its own port (with headers) and not on the API port', async () => {
    await request(dp).get('/metrics').expect(404);
    const port = dpApp.get(MetricsServer).port;
    expect(port).toBeGreaterThan(0);
    const res = await request(`http://127.0.0.1:${port}`).get('/metrics').expect(200);
    expect(res.text).toMatch(/^# HELP process_cpu_user_seconds_total/m);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['x-powered-by']).toBeUndefined();
    await request(`http://127.0.0.1:${port}`).get('/docs').expect(404);
  });

  describe('configured: CORS_ORIGINS and METRICS_TOKEN', () => {
    let base: string;
    beforeAll(async () => {
      base = (await apps.start(userManagement, { CORS_ORIGINS: 'https://grid.example.com, http://localhost:5173', METRICS_TOKEN, METRICS_PORT: undefined })).base;
    });

    it('allows exactly the listed origins', async () => {
      const ok = await request(base).get('/health/live').set('Origin', 'https://grid.example.com').expect(200);
      expect(ok.headers['access-control-allow-origin']).toBe('https://grid.example.com');
      expect(ok.headers['access-control-allow-credentials']).toBeUndefined();
      const preflight = await request(base)
        .options('/api/users')
        .set('Origin', 'http://localhost:5173')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:5173');
      const other = await request(base).get('/health/live').set('Origin', 'https://evil.example').expect(200);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('needs the metrics bearer token, even from this machine', async () => {
      const denied = await request(base).get('/metrics').expect(401);
      expect(denied.headers['www-authenticate']).toMatch(/^Bearer/);
      await request(base).get('/metrics').set('Authorization', 'Bearer wrong-token-wrong-token-wrong-token-0').expect(401);
      const ok = await request(base).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
      expect(ok.text).toContain('smartgrid_login_attempts_total');
    });
  });
});
