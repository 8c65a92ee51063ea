import { request as httpRequest } from 'node:http';

export interface PlainResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
  text: string;
}

/**
 * HTTP from a chosen local address: every 127.x.y.z is a loopback address on Linux, so tests
 * can be "several clients" for real (the server sees another socket peer) without trusting
 * X-Forwarded-For.
 */
export function httpFrom(localAddress: string, baseUrl: string) {
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<PlainResponse> =>
    new Promise((resolve, reject) => {
      const url = new URL(path, baseUrl);
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = httpRequest(
        {
          method,
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          localAddress,
          headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}), ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            if (/json/.test(String(res.headers['content-type']))) parsed = JSON.parse(text);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return {
    get: (path: string, headers?: Record<string, string>) => send('GET', path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => send('POST', path, body, headers),
    send,
  };
}
