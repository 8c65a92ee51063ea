import { timingSafeEqual, createHash } from 'node:crypto';

/** How /metrics is exposed (METRICS_PORT, METRICS_HOST, METRICS_TOKEN). */
export interface MetricsExposure {
  /** A separate listener serves /metrics; the API port then does not. */
  port?: number;
  host?: string;
  /** Bearer token required wherever /metrics is served. */
  token?: string;
}

export type MetricsDecision = { allow: true } | { allow: false; status: 401 | 403 | 404; message: string };

interface ScrapeRequest {
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string };
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

function sameSecret(given: string, expected: string): boolean {
  // Hashing first makes the comparison constant-time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Whether a scrape may read the metrics. `onApiPort` is true for /metrics on the API port.
 * - METRICS_PORT set: the API port answers 404 (metrics live on the other port only);
 * - METRICS_TOKEN set: `Authorization: Bearer <token>` is required (401 otherwise);
 * - neither: only a client on this machine, talking to the app directly (socket peer on
 *   loopback, no X-Forwarded-For / Forwarded header: a reverse proxy adds those), else 403.
 */
export function metricsAccess(req: ScrapeRequest, exposure: MetricsExposure, onApiPort: boolean): MetricsDecision {
  if (onApiPort && exposure.port !== undefined) return { allow: false, status: 404, message: 'Cannot GET /metrics' };
  if (exposure.token !== undefined) {
    const header = req.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    const m = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
    if (m && sameSecret(m[1], exposure.token)) return { allow: true };
    return { allow: false, status: 401, message: 'metrics need the bearer token (METRICS_TOKEN)' };
  }
  if (!onApiPort) return { allow: true };
  const forwarded = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  if (LOOPBACK.test(req.socket?.remoteAddress ?? '') && !forwarded) return { allow: true };
  return { allow: false, status: 403, message: 'metrics are served to this machine only; set METRICS_TOKEN or METRICS_PORT to scrape from elsewhere' };
}
