import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument } from './openapi/document.js';

/** GET /openapi.json: Wharf's OpenAPI description (a Wharf extension, open to everyone), built once. */
export function registerOpenApiRoutes(api: FastifyInstance, opts: { readonly version: string }): void {
  let text: string | undefined;
  api.get('/openapi.json', (_req, reply) => {
    text ??= JSON.stringify(buildOpenApiDocument(opts));
    return reply.type('application/json; charset=utf-8').send(text);
  });
}
