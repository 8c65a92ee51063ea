import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface MediaType {
  schema?: JsonObject;
}
interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonObject }[];
  requestBody?: { content?: Record<string, MediaType> };
  responses?: Record<string, { description?: string; content?: Record<string, MediaType> }>;
  security?: unknown[];
}

/** The parts of an OpenAPI 3.0 document (as served at /docs-json) this checker reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonObject> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const COMPONENT_REF = /^#\/components\/schemas\/[A-Za-z0-9_.-]+$/;
const isJson = (mediaType: string): boolean => /^application\/([a-z.+-]*\+)?json$/.test(mediaType);
const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * OpenAPI 3.0 schema → JSON Schema for Ajv: `nullable` becomes a `null` alternative, component
 * references point into the schema registered as `openapi`, and with `closed` every object
 * schema that lists its properties refuses others (a field the code sends but the published
 * schema lacks is a contract bug too).
 */
function toJsonSchema(schema: Json, closed: boolean): Json {
  if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(s, closed));
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'nullable' || k === 'example') continue;
    if (k === '$ref' && typeof v === 'string') out.$ref = v.replace('#/components/schemas/', 'openapi#/definitions/');
    else if (k === 'properties' && isObject(v)) out.properties = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toJsonSchema(s, closed)]));
    else out[k] = toJsonSchema(v, closed);
  }
  if (closed && isObject(schema.properties) && schema.additionalProperties === undefined) out.additionalProperties = false;
  // `nullable` applies to the whole schema, `allOf`/`$ref` siblings included.
  return schema.nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

export interface OpenApiContractOptions {
  /** Component schemas whose objects may carry properties they do not list (e.g. probe reports). */
  openSchemas?: string[];
}

/**
 * Checks an app's published OpenAPI document the way a client generator uses it: every
 * operation names its request and response bodies as component schemas, parameters are
 * typed, and real responses match the schema published for their status.
 */
export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp }[];

  constructor(
    readonly doc: OpenApiDocument,
    options: OpenApiContractOptions = {},
  ) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    const open = new Set(options.openSchemas ?? []);
    const definitions = Object.fromEntries(
      Object.entries(doc.components?.schemas ?? {}).map(([name, s]) => [name, toJsonSchema(s, !open.has(name))]),
    );
    this.ajv.addSchema({ $id: 'openapi', definitions });
    // Literal segments first, so `/api/audit-logs/verify` wins over a `{param}` at that place.
    this.templates = Object.keys(doc.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+')}$`),
      }))
      .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  }

  /** `GET /api/users/{id}` for every operation in the document. */
  operations(): string[] {
    return Object.entries(this.doc.paths).flatMap(([p, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${p}`));
  }

  /** What keeps a generated client from having a named type for every body and a type for every parameter. */
  namingProblems(): string[] {
    const problems: string[] = [];
    const schemaNames = new Set(Object.keys(this.doc.components?.schemas ?? {}));
    const named = (where: string, media: string, schema: JsonObject | undefined): void => {
      const ref = schema?.$ref;
      if (isJson(media)) {
        if (typeof ref !== 'string' || !COMPONENT_REF.test(ref)) problems.push(`${where} (${media}): body is not a named component schema`);
        else if (!schemaNames.has(ref.slice('#/components/schemas/'.length))) problems.push(`${where}: ${ref} does not exist`);
      } else if (!schema || (typeof schema.type !== 'string' && typeof ref !== 'string')) {
        problems.push(`${where} (${media}): no schema type`);
      }
    };
    for (const [path, item] of Object.entries(this.doc.paths)) {
      for (const method of METHODS.filter((m) => item[m])) {
        const op = item[method]!;
        const name = `${method.toUpperCase()} ${path}`;
        for (const p of op.parameters ?? []) {
          const s = p.schema;
          if (!s || (typeof s.type !== 'string' && typeof s.$ref !== 'string' && !Array.isArray(s.enum))) problems.push(`${name}: ${p.in} parameter ${p.name} has no type`);
        }
        for (const [media, m] of Object.entries(op.requestBody?.content ?? {})) named(`${name} request`, media, m.schema);
        const responses = Object.entries(op.responses ?? {});
        if (!responses.some(([status]) => /^2\d\d$/.test(status))) problems.push(`${name}: no success response`);
        for (const [status, r] of responses) {
          const content = Object.entries(r.content ?? {});
          if (content.length === 0 && status !== '204') problems.push(`${name} ${status}: no body schema`);
          for (const [media, m] of content) named(`${name} ${status}`, media, m.schema);
        }
      }
    }
    return problems;
  }

  /** The path template a concrete URL path (query string ignored) belongs to, if any. */
  templateOf(url: string): string | undefined {
    const path = url.split('?')[0]!;
    return this.templates.find((t) => t.pattern.test(path))?.template;
  }

  /**
   * Validates one real answer against the document: the operation exists, the status is
   * documented, and a JSON body matches the status' schema. Returns `METHOD template status`,
   * or throws an Error listing what does not match.
   */
  check(method: string, url: string, status: number, contentType: string | undefined, body: unknown): string {
    const template = this.templateOf(url);
    if (!template) throw new Error(`${method} ${url}: no such path in the OpenAPI document`);
    const op = this.doc.paths[template]![method.toLowerCase()];
    const key = `${method.toUpperCase()} ${template} ${status}`;
    if (!op) throw new Error(`${key}: method not documented`);
    const response = op.responses?.[String(status)] ?? op.responses?.default;
    if (!response) throw new Error(`${key}: status not documented (documented: ${Object.keys(op.responses ?? {}).join(', ')})`);
    const media = (contentType ?? '').split(';')[0]!.trim();
    const documented = Object.keys(response.content ?? {});
    if (documented.length === 0) {
      if (body !== undefined && body !== '' && !(isObject(body as Json) && Object.keys(body as object).length === 0)) {
        throw new Error(`${key}: answered a ${media} body where none is documented`);
      }
      return key;
    }
    if (!documented.includes(media) && !(media.startsWith('text/') && documented.some((d) => d.startsWith('text/')))) {
      throw new Error(`${key}: answered ${media || 'no content type'}, documented ${documented.join(', ')}`);
    }
    if (!isJson(media)) return key;
    // One validator per status *and* media type: a route may answer JSON or GeoJSON.
    const validate = this.validatorFor(`${key} ${media}`, response.content![media]!.schema ?? {});
    if (!validate(body)) {
      const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
      throw new Error(`${key}: body does not match its published schema:\n  ${errors.join('\n  ')}\nbody: ${JSON.stringify(body).slice(0, 2000)}`);
    }
    return key;
  }

  /**
   * Operations the answers in `seen` (keys returned by check) leave untested: each needs a
   * success, and each that documents client errors needs at least one of them.
   */
  coverageGaps(seen: Iterable<string>): string[] {
    const keys = [...seen];
    const gaps: string[] = [];
    for (const op of this.operations()) {
      const [method, path] = op.split(' ') as [string, string];
      const statuses = keys.filter((k) => k.startsWith(`${op} `)).map((k) => k.slice(op.length + 1));
      if (!statuses.some((s) => s.startsWith('2'))) gaps.push(`${op}: no success answer checked`);
      const documented = Object.keys(this.doc.paths[path]![method.toLowerCase()]!.responses ?? {});
      if (documented.some((s) => s.startsWith('4')) && !statuses.some((s) => s.startsWith('4'))) gaps.push(`${op}: no error answer checked`);
    }
    return gaps;
  }

  private validatorFor(key: string, schema: JsonObject): ValidateFunction {
    let v = this.validators.get(key);
    if (!v) {
      v = this.ajv.compile(toJsonSchema(schema, true) as JsonObject);
      this.validators.set(key, v);
    }
    return v;
  }
}
