import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { metricsAccess, MetricsExposure } from './metrics-access.policy';
import { METRICS_EXPOSURE, METRICS_REGISTRY } from './metrics.constants';

/** Headers of every answer of the metrics listener (it serves no page, so nothing may load). */
const HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/**
 * With METRICS_PORT set, serves `GET /metrics` (and only that) on its own listener bound to
 * METRICS_HOST (default 127.0.0.1), so the API port can be published without the metrics.
 * METRICS_TOKEN, when set, is required there too.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;

  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Optional() @Inject(METRICS_EXPOSURE) private readonly exposure: MetricsExposure = {},
  ) {}

  /** The bound port (for tests that ask for port 0), or undefined when not listening. */
  get port(): number | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.exposure.port === undefined) return;
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.exposure.port, this.exposure.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.logger.log(`metrics on ${this.exposure.host ?? '127.0.0.1'}:${this.port}/metrics${this.exposure.token ? ' (bearer token)' : ''}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [k, v] of Object.entries(HEADERS)) res.setHeader(k, v);
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return this.reply(res, 404, 'not found');
    const decision = metricsAccess(req, this.exposure, false);
    if (!decision.allow) {
      if (decision.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      return this.reply(res, decision.status, decision.message);
    }
    try {
      const body = await this.registry.metrics();
      res.writeHead(200, { 'Content-Type': this.registry.contentType });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      this.logger.error(`collecting metrics failed: ${err instanceof Error ? err.message : String(err)}`);
      this.reply(res, 500, 'collecting metrics failed');
    }
  }

  private reply(res: ServerResponse, status: number, message: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${message}\n`);
  }
}
