import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * What the response checkers share, whatever the description's dialect (Harbor's Swagger 2.0, Wharf's OpenAPI
 * 3.0): the operations with their path templates and response schemas, matching of concrete request paths and of
 * Fastify route URLs onto those templates, and checking one response against its operation.
 */

type Json = Record<string, unknown>;

export interface DescribedResponse {
  /** JSON Schema of the body (already converted, refs pointing into `ApiDescription.definitions`). */
  readonly schema?: Json | undefined;
}

export interface DescribedOperation {
  readonly method: string;
  /** Path template without the base path, e.g. `/users/{user_id}`. */
  readonly template: string;
  readonly operationId: string;
  /** Media types the operation produces. */
  readonly produces: readonly string[];
  readonly responses: Readonly<Record<string, DescribedResponse>>;
}

export interface ApiDescription {
  /** Shown in violation messages, e.g. "Harbor's swagger". */
  readonly name: string;
  readonly basePath: string;
  readonly operations: readonly DescribedOperation[];
  /** `$id` of the schema holding every named definition; converted refs point at `<id>#/definitions/<name>`. */
  readonly definitionsId: string;
  readonly definitions: Readonly<Record<string, Json>>;
  /** The error envelope every 4xx/5xx JSON body must match. */
  readonly errorSchema: Json;
}

/** The operation's key in reports and coverage records: `GET /users/{user_id}`. */
export function operationKey(op: Pick<DescribedOperation, 'method' | 'template'>): string {
  return `${op.method} ${op.template}`;
}

const DROPPED_KEYWORDS = new Set(['example', 'examples', 'discriminator', 'readOnly', 'writeOnly', 'xml']);
const DROPPED_KEYWORDS_ALSO = new Set(['externalDocs', 'nullable', 'deprecated', 'description', 'title']);
const NESTED_SCHEMA_KEYWORDS = new Set(['items', 'not', 'additionalProperties']);
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);

/**
 * Turns a Swagger 2.0 / OpenAPI 3.0 schema object into JSON Schema (draft-07, which ajv speaks; these dialects use
 * only its draft-04 subset): `x-nullable`/`x-isnullable`/`nullable` admit `null`, vendor extensions and documentation
 * keywords go, and `$ref`s are rewritten by `ref`.
 */
export function toJsonSchema(schema: unknown, ref: (pointer: string) => string): Json {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return {};
  const source = schema as Json;
  const nullable = source['x-nullable'] === true || source['x-isnullable'] === true || source.nullable === true;
  if (typeof source.$ref === 'string') {
    const target = { $ref: ref(source.$ref) };
    return nullable ? { anyOf: [target, { type: 'null' }] } : target;
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(source)) {
    if (key.startsWith('x-') || DROPPED_KEYWORDS.has(key) || DROPPED_KEYWORDS_ALSO.has(key)) continue;
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, toJsonSchema(s, ref)]));
    } else if (NESTED_SCHEMA_KEYWORDS.has(key) && typeof value === 'object' && value !== null) {
      out[key] = toJsonSchema(value, ref);
    } else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map((s) => toJsonSchema(s, ref));
    } else {
      out[key] = value;
    }
  }
  if (nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (nullable && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
  return out;
}

function collectFormats(schema: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) collectFormats(s, into);
  else if (typeof schema === 'object' && schema !== null) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'format' && typeof value === 'string') into.add(value);
      else if (key !== 'enum' && key !== 'default') collectFormats(value, into);
    }
  }
  return into;
}

/** One path segment of a template: a literal, or a parameter (matching any one non-empty segment). */
type Segment = { literal: string } | { param: string };

function templateSegments(template: string): Segment[] {
  return trimSlashes(template)
    .split('/')
    .filter((s) => s !== '')
    .map((s) => (/^\{[^}]+\}$/.test(s) ? { param: s.slice(1, -1) } : { literal: s }));
}

/** Fastify's route syntax: `:name`, `:name(regex)` and `*` are parameters. */
function routeSegments(url: string): Segment[] {
  return trimSlashes(url)
    .split('/')
    .filter((s) => s !== '')
    .map((s) =>
      s.startsWith(':') || s === '*' ? { param: s.replace(/^:/, '').replace(/\(.*$/, '') } : { literal: s },
    );
}

function trimSlashes(path: string): string {
  return path.replace(/\/+$/, '');
}

/** Fastify's `/users/:user_id` as an OpenAPI template `/users/{user_id}`. */
export function routeTemplate(url: string): string {
  return (
    '/' +
    routeSegments(url)
      .map((s) => ('literal' in s ? s.literal : `{${s.param}}`))
      .join('/')
  );
}

interface CompiledOperation extends DescribedOperation {
  readonly segments: readonly Segment[];
}

/** The result of checking one response. */
export interface Verdict {
  /** The matched operation's key (`GET /users/{user_id}`), when one matched. */
  readonly operation?: string | undefined;
  readonly violations: readonly string[];
  /** True when a 2xx response declared by the operation was checked without violation: it counts as covered. */
  readonly covered: boolean;
}

export interface CheckedResponse {
  readonly method: string;
  /** The request URL as sent (path and query). */
  readonly url: string;
  readonly status: number;
  readonly contentType?: string | undefined;
  readonly body: string;
}

function isJsonType(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

function describeErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 10)
    .map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
    .join('; ');
}

/** Matches requests and routes onto a described API, and checks responses against its schemas. */
export class ResponseChecker {
  private readonly ajv: Ajv;
  private readonly operations: readonly CompiledOperation[];
  private readonly validators = new Map<Json, ValidateFunction>();

  constructor(readonly description: ApiDescription) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, validateSchema: false });
    addFormats.default(this.ajv);
    const formats = collectFormats(
      [description.definitions, description.operations.map((op) => op.responses)],
      new Set(),
    );
    // Lenient about formats ajv does not know (Go's `int`, `int8`, `uint64`, `float64`, ...): the type still counts.
    for (const format of formats) if (!this.ajv.formats[format]) this.ajv.addFormat(format, true);
    this.ajv.addSchema({ $id: description.definitionsId, definitions: description.definitions });
    this.operations = description.operations.map((op) => ({ ...op, segments: templateSegments(op.template) }));
  }

  /** Every described operation's key. */
  operationKeys(): string[] {
    return this.operations.map(operationKey);
  }

  /** The operation serving a concrete request path (with the base path; query ignored). Literals beat parameters. */
  findOperation(method: string, url: string): DescribedOperation | undefined {
    const path = url.split('?', 1)[0] ?? '';
    const base = this.description.basePath;
    if (path !== base && !path.startsWith(`${base}/`)) return undefined;
    const parts = trimSlashes(path.slice(base.length))
      .split('/')
      .filter((s) => s !== '');
    let best: CompiledOperation | undefined;
    for (const op of this.operations) {
      if (op.method !== method.toUpperCase() || op.segments.length !== parts.length) continue;
      const fits = op.segments.every((s, i) => ('literal' in s ? s.literal === parts[i] : parts[i] !== ''));
      if (fits && (!best || moreLiteral(op.segments, best.segments))) best = op;
    }
    return best;
  }

  /** The operation a Fastify route (`/api/v2.0/users/:user_id`) implements: literals and parameters line up. */
  findRouteOperation(method: string, url: string): DescribedOperation | undefined {
    const base = this.description.basePath;
    if (url !== base && !url.startsWith(`${base}/`)) return undefined;
    const route = routeSegments(url.slice(base.length));
    return this.operations.find(
      (op) =>
        op.method === method.toUpperCase() &&
        op.segments.length === route.length &&
        op.segments.every((s, i) => {
          const r = route[i]!;
          return 'literal' in s ? 'literal' in r && r.literal === s.literal : 'param' in r;
        }),
    );
  }

  /** Checks a response; `allowed(method, path)` names requests outside the description that are not violations. */
  check(res: CheckedResponse, allowed: (method: string, path: string) => boolean = () => false): Verdict {
    const method = res.method.toUpperCase();
    const path = res.url.split('?', 1)[0] ?? '';
    const op = this.findOperation(method, path);
    const violations: string[] = [];
    const mediaType = (res.contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
    const hasBody = method !== 'HEAD' && res.body !== '';
    if (!op) {
      if (res.status >= 400) {
        if (method !== 'HEAD') this.checkBody(res, mediaType, this.description.errorSchema, violations);
      } else if (!allowed(method, path)) {
        violations.push(`${this.description.name} has no operation for ${method} ${path}`);
      }
      return { violations, covered: false };
    }
    const declared = op.responses[String(res.status)];
    if (!declared && res.status < 400) {
      const statuses = Object.keys(op.responses).join(', ');
      violations.push(`status ${res.status} is not among the declared responses (${statuses})`);
    } else if (method !== 'HEAD') {
      const schema = declared?.schema ?? (res.status >= 400 ? this.description.errorSchema : undefined);
      if (schema) this.checkBody(res, mediaType, schema, violations, op.produces);
      else if (hasBody) violations.push(`no body is declared, but the response has one (${mediaType || 'untyped'})`);
    }
    return { operation: operationKey(op), violations, covered: violations.length === 0 && res.status < 300 };
  }

  private checkBody(
    res: CheckedResponse,
    mediaType: string,
    schema: Json,
    violations: string[],
    produces: readonly string[] = ['application/json'],
  ): void {
    if (res.body === '') {
      violations.push('a body is declared, but the response is empty');
      return;
    }
    if (!isJsonType(mediaType)) {
      if (!produces.includes(mediaType)) {
        violations.push(
          `content type ${mediaType || '(none)'} is not one the operation produces (${produces.join(', ')})`,
        );
      }
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      violations.push(`the body is not valid JSON: ${res.body.slice(0, 200)}`);
      return;
    }
    const validate = this.validatorOf(schema);
    if (!validate(body)) violations.push(`the body does not match the schema: ${describeErrors(validate.errors)}`);
  }

  private validatorOf(schema: Json): ValidateFunction {
    let validate = this.validators.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.validators.set(schema, validate);
    }
    return validate;
  }
}

/** True when `a` has a literal where `b` has a parameter at the first segment where they differ in kind. */
function moreLiteral(a: readonly Segment[], b: readonly Segment[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const aLiteral = 'literal' in a[i]!;
    const bLiteral = 'literal' in b[i]!;
    if (aLiteral !== bLiteral) return aLiteral;
  }
  return false;
}
