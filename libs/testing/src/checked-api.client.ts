import request from 'supertest';
import { OpenApiContract, OpenApiDocument } from './openapi.contract';

export type ApiMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ApiCallOptions {
  /** Bearer token. */
  token?: string;
  query?: Record<string, string>;
  body?: object;
}

/**
 * An app's published OpenAPI document, and requests whose every answer is checked against it:
 * each `call` throws when the answer is not as documented, and remembers the operation and
 * status, so `coverageGaps` can name the routes no answer has checked yet.
 */
export class CheckedApi {
  private readonly seen = new Set<string>();

  private constructor(
    readonly contract: OpenApiContract,
    private readonly http: () => ReturnType<typeof request>,
  ) {}

  /** Reads `/docs-json`; probe reports (HealthIndicator) carry probe-specific fields besides status. */
  static async of(http: () => ReturnType<typeof request>): Promise<CheckedApi> {
    const doc = (await http().get('/docs-json').expect(200)).body as OpenApiDocument;
    return new CheckedApi(new OpenApiContract(doc, { openSchemas: ['HealthIndicator'] }), http);
  }

  async call(method: ApiMethod, url: string, opts: ApiCallOptions = {}): Promise<request.Response> {
    let req = this.http()[method](url);
    if (opts.query) req = req.query(opts.query);
    if (opts.token) req = req.set('Authorization', `Bearer ${opts.token}`);
    const res = await (opts.body === undefined ? req : req.send(opts.body));
    this.seen.add(this.contract.check(method, url, res.status, res.headers['content-type'], res.body));
    return res;
  }

  coverageGaps(): string[] {
    return this.contract.coverageGaps(this.seen);
  }
}
