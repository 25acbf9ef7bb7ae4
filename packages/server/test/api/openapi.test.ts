import { Ajv } from 'ajv';
import { describe, expect, it, vi } from 'vitest';
import { HTTP_METHODS } from '../../src/http/api/openapi/common.js';
import { buildOpenApiDocument, type OpenApiDocument } from '../../src/http/api/openapi/document.js';
import { WHARF_VERSION } from '../../src/main.js';
import { ADMIN, api, expectHarborError } from '../helpers/api-client.js';
import { routeTemplate, toJsonSchema } from '../helpers/response-schemas.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const reg = useTestRegistry();
const doc = buildOpenApiDocument({ version: WHARF_VERSION });

type Json = Record<string, unknown>;

/** Every (method, path, operation) of the document. */
function operations(document: OpenApiDocument) {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method]! })),
  );
}

/** A minimal structural schema of an OpenAPI 3.0 document: the parts Wharf's description uses. */
const REF = { type: 'object', required: ['$ref'], properties: { $ref: { type: 'string', pattern: '^#/' } } };
const OPENAPI_3_0_SHAPE = {
  type: 'object',
  required: ['openapi', 'info', 'paths', 'components'],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.0\\.\\d+$' },
    info: {
      type: 'object',
      required: ['title', 'version'],
      properties: { title: { type: 'string', minLength: 1 }, version: { type: 'string', minLength: 1 } },
    },
    servers: { type: 'array', items: { type: 'object', required: ['url'] } },
    tags: { type: 'array', items: { type: 'object', required: ['name'] } },
    paths: {
      type: 'object',
      propertyNames: { pattern: '^/' },
      additionalProperties: {
        type: 'object',
        propertyNames: { enum: ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'parameters'] },
        additionalProperties: {
          type: 'object',
          required: ['operationId', 'summary', 'tags', 'responses'],
          properties: {
            operationId: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*$' },
            tags: { type: 'array', minItems: 1, items: { type: 'string' } },
            parameters: {
              type: 'array',
              items: {
                anyOf: [
                  REF,
                  {
                    type: 'object',
                    required: ['name', 'in', 'schema'],
                    properties: { in: { enum: ['query', 'path', 'header', 'cookie'] } },
                  },
                ],
              },
            },
            requestBody: { type: 'object', required: ['content'] },
            responses: {
              type: 'object',
              minProperties: 1,
              propertyNames: { pattern: '^[1-5][0-9][0-9]$' },
              additionalProperties: { anyOf: [REF, { type: 'object', required: ['description'] }] },
            },
          },
        },
      },
    },
    components: { type: 'object', required: ['schemas'] },
  },
};

function resolvePointer(root: unknown, pointer: string): unknown {
  return pointer
    .replace(/^#\//, '')
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], root);
}

function collectRefs(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, into);
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') into.push(value);
      else collectRefs(value, into);
    }
  }
  return into;
}

describe('GET /api/v2.0/openapi.json', () => {
  it('serves the description to anyone, as JSON', async () => {
    const res = await api(reg.app, 'GET', '/openapi.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(doc)));
    expect((await api(reg.app, 'GET', '/openapi.json', ADMIN)).statusCode).toBe(200);
  });

  it('refuses wrong credentials like every other route', async () => {
    expectHarborError(
      await api(reg.app, 'GET', '/openapi.json', { username: 'admin', password: 'x' }),
      401,
      'UNAUTHORIZED',
    );
  });
});

describe("Wharf's OpenAPI description", () => {
  it('has the structure of an OpenAPI 3.0 document', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(OPENAPI_3_0_SHAPE);
    expect(validate(JSON.parse(JSON.stringify(doc))), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.info.version).toBe(WHARF_VERSION);
  });

  it('resolves every $ref', () => {
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(10);
    expect(refs.filter((ref) => resolvePointer(doc, ref) === undefined)).toEqual([]);
  });

  it('has unique operation ids, declared tags, and responses on every operation', () => {
    const ops = operations(doc);
    const ids = ops.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set(doc.tags.map((t) => t.name));
    expect(tags.size, 'each tag is listed once, even when areas share it').toBe(doc.tags.length);
    for (const { method, path, op } of ops) {
      expect(
        op.tags.every((t) => tags.has(t)),
        `${method} ${path} tags`,
      ).toBe(true);
      expect(
        Object.keys(op.responses).some((s) => s.startsWith('2')),
        `${method} ${path} success`,
      ).toBe(true);
    }
  });

  it('declares every path parameter of every template, and no other', () => {
    for (const { method, path, op } of operations(doc)) {
      const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = (op.parameters ?? [])
        .map((p) => ('$ref' in p ? (resolvePointer(doc, p.$ref) as { in: string; name: string }) : p))
        .filter((p) => p.in === 'path')
        .map((p) => p.name)
        .sort();
      expect(declared, `${method} ${path}`).toEqual(inTemplate);
    }
  });

  it('has component schemas that are valid JSON Schema and name only known fields as required', () => {
    const ajv = new Ajv({ strict: false });
    const refOf = (pointer: string) => `wharf:${pointer}`;
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(ajv.validateSchema(toJsonSchema(schema, refOf)), `${name}: ${JSON.stringify(ajv.errors)}`).toBe(true);
      const missing = (schema.required ?? []).filter((field) => !(field in (schema.properties ?? {})));
      expect(missing, `${name} requires fields it does not describe`).toEqual([]);
    }
  });

  it('describes exactly the routes Wharf registers under /api/v2.0', () => {
    const registered = reg
      .apiRoutes()
      .map((r) => `${r.method} ${routeTemplate(r.url.slice('/api/v2.0'.length))}`)
      .sort();
    const described = operations(doc)
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`)
      .sort();
    expect(described).toEqual(registered);
  });

  it('is what `wharf openapi` prints', async () => {
    const { COMMANDS } = await import('../../src/cli/commands.js');
    const chunks: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(chunk.toString());
      return true;
    });
    try {
      expect(await COMMANDS.openapi?.run({ positional: [] })).toBe(0);
    } finally {
      write.mockRestore();
    }
    expect(JSON.parse(chunks.join(''))).toEqual(JSON.parse(JSON.stringify(doc)));
  });
});
