import { HTTP_METHODS } from '../../src/http/api/openapi/common.js';
import { buildOpenApiDocument, type OpenApiDocument } from '../../src/http/api/openapi/document.js';
import { WHARF_VERSION } from '../../src/main.js';
import { ResponseChecker, toJsonSchema, type ApiDescription, type DescribedOperation } from './response-schemas.js';

/**
 * Wharf's own OpenAPI 3.0 description as an `ApiDescription`, so that responses are checked against what Wharf
 * promises its portal (required fields, enums) as well as against Harbor's swagger.
 */

type Json = Record<string, unknown>;

const DEFINITIONS_ID = 'https://wharf.invalid/openapi.json';

function refOf(pointer: string): string {
  const name = /^#\/components\/schemas\/(.+)$/.exec(pointer)?.[1];
  if (!name) throw new Error(`Wharf's OpenAPI description: unsupported schema $ref ${pointer}`);
  return `${DEFINITIONS_ID}#/definitions/${name}`;
}

function resolveResponse(doc: OpenApiDocument, response: Json): Json {
  if (typeof response.$ref !== 'string') return response;
  const name = /^#\/components\/responses\/(.+)$/.exec(response.$ref)?.[1];
  const target = name ? (doc.components.responses as unknown as Record<string, Json>)[name] : undefined;
  if (!target) throw new Error(`Wharf's OpenAPI description: unresolvable response ${response.$ref}`);
  return target;
}

export function describeWharfOpenApi(doc: OpenApiDocument): ApiDescription {
  const operations: DescribedOperation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const produces = new Set<string>();
      const responses = Object.fromEntries(
        Object.entries(op.responses).map(([status, raw]) => {
          const content = (resolveResponse(doc, raw as unknown as Json).content ?? {}) as Record<
            string,
            { schema?: unknown }
          >;
          for (const mediaType of Object.keys(content)) produces.add(mediaType);
          const schema = (content['application/json'] ?? Object.values(content)[0])?.schema;
          return [status, { schema: schema === undefined ? undefined : toJsonSchema(schema, refOf) }];
        }),
      );
      operations.push({
        method: method.toUpperCase(),
        template,
        operationId: op.operationId,
        produces: [...produces],
        responses,
      });
    }
  }
  const definitions = Object.fromEntries(
    Object.entries(doc.components.schemas).map(([name, s]) => [name, toJsonSchema(s, refOf)]),
  );
  return {
    name: "Wharf's OpenAPI description",
    basePath: doc.servers[0]?.url ?? '/api/v2.0',
    operations,
    definitionsId: DEFINITIONS_ID,
    definitions,
    errorSchema: { $ref: refOf('#/components/schemas/Errors') },
  };
}

let checker: ResponseChecker | undefined;

/** The checker for Wharf's own description, built once per test worker on first use. */
export function wharfOpenApi(): ResponseChecker {
  checker ??= new ResponseChecker(describeWharfOpenApi(buildOpenApiDocument({ version: WHARF_VERSION })));
  return checker;
}
