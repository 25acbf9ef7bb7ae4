import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ResponseChecker, toJsonSchema, type ApiDescription, type DescribedOperation } from './response-schemas.js';

/**
 * Harbor's API description (Swagger 2.0), read at test time from the shared reference beside the repository; never
 * copied into it. `HARBOR_SWAGGER` names another file (deliberately not a `WHARF_*` variable: those configure Wharf,
 * and the Wharf processes the tests start would refuse an unknown one). It is optional for `npm test`: when it is
 * absent, responses are checked against Wharf's own OpenAPI description only, and `npm run check:harbor`
 * (scripts/check-harbor.mjs), which needs it, fails saying where it looked.
 */

/** The repository's root directory. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Where Harbor's swagger is expected when `HARBOR_SWAGGER` is unset. */
export const DEFAULT_HARBOR_SWAGGER_FILE = path.resolve(
  REPOSITORY_ROOT,
  '..',
  'shared',
  'reference',
  'harbor-v2.15.2-swagger.yaml',
);

export const HARBOR_SWAGGER_FILE = process.env.HARBOR_SWAGGER ?? DEFAULT_HARBOR_SWAGGER_FILE;

/** Whether Harbor's swagger is there to check against. */
export function harborSwaggerPresent(file = HARBOR_SWAGGER_FILE): boolean {
  return existsSync(file);
}

/** Wharf's own routes under /api/v2.0 that Harbor does not have. Keep this list short. */
export const WHARF_EXTENSIONS: readonly string[] = [
  'GET /api/v2.0/openapi.json',
  // Tag history and restore (tag-history/).
  'GET /api/v2.0/projects/{project_name}/repositories/{repository_name}/taghistory',
  'POST /api/v2.0/projects/{project_name}/repositories/{repository_name}/taghistory/{history_id}/restore',
  // Test-firing a webhook policy (webhooks/); Harbor 2.15 has no test endpoint.
  'POST /api/v2.0/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/test',
  'GET /api/v2.0/system/notifications',
  // Checking the SMTP server of the email_* settings (self-service/); Harbor 1.x had it, Harbor 2 has not.
  'POST /api/v2.0/email/ping',
  // Personal access tokens (tokens/); Harbor has none.
  'GET /api/v2.0/users/{user_id}/tokens',
  'POST /api/v2.0/users/{user_id}/tokens',
  'DELETE /api/v2.0/users/{user_id}/tokens/{token_id}',
  'GET /api/v2.0/tokens',
];

/** Each extension as a pattern: a `{param}` matches one path segment (a request's, or a route's `:param`). */
const EXTENSION_PATTERNS: readonly RegExp[] = WHARF_EXTENSIONS.map(
  (route) => new RegExp(`^${route.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
);

export function isWharfExtension(method: string, path: string): boolean {
  const route = `${method.toUpperCase()} ${path.replace(/\/+$/, '')}`;
  return EXTENSION_PATTERNS.some((pattern) => pattern.test(route));
}

type Json = Record<string, unknown>;

/**
 * Definitions of Harbor's swagger that real Harbor contradicts, replaced before checking. Keep this list short, and
 * say for each what real Harbor sends.
 */
export const HARBOR_SWAGGER_CORRECTIONS: Readonly<Record<string, Json>> = {
  // Declared as a map of objects, but Harbor sends any JSON values: an image's `architecture`, `os`, `created` and
  // `author` are strings, its `config` an object; another typed artifact's values are its config's, as they are.
  ExtraAttrs: { type: 'object' },
  // Declared with params as a map of objects, but Harbor sends each template's parameter as a number
  // (`{"latestPushedK": 10}`), as its portal sends it and its evaluators read it.
  RetentionRule: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      priority: { type: 'integer' },
      disabled: { type: 'boolean' },
      action: { type: 'string' },
      template: { type: 'string' },
      params: { type: 'object' },
      tag_selectors: { type: 'array', items: { $ref: '#/definitions/RetentionSelector' } },
      scope_selectors: {
        type: 'object',
        additionalProperties: { type: 'array', items: { $ref: '#/definitions/RetentionSelector' } },
      },
    },
  },
};

/**
 * Operations whose responses real Harbor sends otherwise than its swagger says, corrected the same way (the media
 * types they produce, and the schema of a status's body).
 */
export const HARBOR_OPERATION_CORRECTIONS: Readonly<
  Record<string, { readonly produces: readonly string[]; readonly responses: Readonly<Record<string, Json>> }>
> = {
  // Declared as a JSON string, but Harbor sends the addition itself: build_history and dependencies as JSON arrays,
  // values.yaml as text/plain, readme.md as text/markdown.
  getAddition: {
    produces: ['application/json', 'text/plain', 'text/markdown'],
    responses: { '200': { type: 'array', items: { type: 'object' } } },
  },
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];
const DEFINITIONS_ID = 'https://harbor.invalid/v2.15.2/swagger.json';

function resolveResponse(swagger: Json, response: Json): Json {
  if (typeof response.$ref !== 'string') return response;
  const name = /^#\/responses\/(.+)$/.exec(response.$ref)?.[1];
  const target = name ? (swagger.responses as Json | undefined)?.[name] : undefined;
  if (!target) throw new Error(`Harbor's swagger: unresolvable response ${response.$ref}`);
  return target as Json;
}

function refOf(pointer: string): string {
  const name = /^#\/definitions\/(.+)$/.exec(pointer)?.[1];
  if (!name) throw new Error(`Harbor's swagger: unsupported $ref ${pointer}`);
  return `${DEFINITIONS_ID}#/definitions/${name}`;
}

/** Harbor's swagger as an `ApiDescription`: operations with resolved responses, definitions as JSON Schema. */
export function describeHarborSwagger(swagger: Json): ApiDescription {
  const globalProduces = (swagger.produces as string[] | undefined) ?? ['application/json'];
  const operations: DescribedOperation[] = [];
  for (const [template, item] of Object.entries(swagger.paths as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const responses = Object.fromEntries(
        Object.entries(op.responses as Record<string, Json>).map(([status, raw]) => {
          const response = resolveResponse(swagger, raw);
          return [status, { schema: response.schema ? toJsonSchema(response.schema, refOf) : undefined }];
        }),
      );
      const correction = HARBOR_OPERATION_CORRECTIONS[String(op.operationId)];
      for (const [status, schema] of Object.entries(correction?.responses ?? {})) {
        responses[status] = { schema: toJsonSchema(schema, refOf) };
      }
      operations.push({
        method: method.toUpperCase(),
        template,
        operationId: String(op.operationId),
        produces: correction?.produces ?? (op.produces as string[] | undefined) ?? globalProduces,
        responses,
      });
    }
  }
  const definitions = Object.fromEntries(
    Object.entries(swagger.definitions as Record<string, unknown>).map(([name, s]) => [
      name,
      toJsonSchema(HARBOR_SWAGGER_CORRECTIONS[name] ?? s, refOf),
    ]),
  );
  return {
    name: "Harbor's swagger",
    basePath: String(swagger.basePath),
    operations,
    definitionsId: DEFINITIONS_ID,
    definitions,
    errorSchema: { $ref: refOf('#/definitions/Errors') },
  };
}

/**
 * Reads and parses the swagger file, failing loudly (with the path it expected) when it is missing. Parsing the
 * YAML takes about two seconds, so the result is cached as JSON under test-output/, keyed by the file's hash.
 */
export function loadHarborSwagger(file = HARBOR_SWAGGER_FILE): Json {
  if (!existsSync(file)) {
    throw new Error(
      `Harbor's swagger (harbor-v2.15.2-swagger.yaml) was expected at ${file}: the comparison with Harbor's API ` +
        `needs it. Put it there (the shared reference lives beside the repository, in ../shared/reference/) or name ` +
        `the file with HARBOR_SWAGGER.`,
    );
  }
  const text = readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const cacheDir = path.join(REPOSITORY_ROOT, 'test-output', 'cache');
  const cached = path.join(cacheDir, `harbor-swagger-${hash}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as Json;
  const swagger = parse(text) as Json;
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${cached}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(swagger));
  renameSync(partial, cached); // atomic: concurrent workers never read half a file
  return swagger;
}

let checker: ResponseChecker | undefined;

/** The checker for Harbor's swagger, loaded once per test worker on first use. */
export function harborSwagger(): ResponseChecker {
  checker ??= new ResponseChecker(describeHarborSwagger(loadHarborSwagger()));
  return checker;
}
