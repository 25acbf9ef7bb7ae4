import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { OPENAPI_PATH } from '../api/openapi/document.js';
import { SECURITY_HEADERS } from '../portal-routes.js';

/**
 * The API explorer: Swagger UI (from the swagger-ui-dist package, served locally, no CDN) at /devcenter, reading
 * Wharf's OpenAPI description. Harbor's path /devcenter-api-2.0 redirects here. Only the files named below are
 * served: request paths never reach the file system.
 */
export const EXPLORER_PATH = '/devcenter';
export const HARBOR_EXPLORER_PATH = '/devcenter-api-2.0';

const SWAGGER_UI_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

export interface ExplorerRoutesOptions {
  /**
   * The path Wharf is published under (`/registry/`, from http.baseUrl; `/` without one). A proxy strips it before
   * forwarding, so the routes stay at /devcenter, but every URL the page hands the browser is under it.
   */
  readonly basePath?: string | undefined;
}

/**
 * Swagger UI's start script. Under a prefix, its "Try it out" calls are moved under the prefix too: the document's
 * server is `/api/v2.0`, which Swagger UI resolves against the host's root.
 */
function initializer(basePath: string): string {
  const spec = JSON.stringify(basePath + OPENAPI_PATH.slice(1));
  const underPrefix =
    basePath === '/'
      ? ''
      : `
    requestInterceptor: function (req) {
      var url = new URL(req.url, window.location.href);
      if (url.origin === window.location.origin && url.pathname.indexOf(${JSON.stringify(basePath)}) !== 0) {
        url.pathname = ${JSON.stringify(basePath.slice(0, -1))} + url.pathname;
        req.url = url.href;
      }
      return req;
    },`;
  return `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: ${spec.replace(/"/g, "'")},
    dom_id: '#swagger-ui',
    deepLinking: true,
    withCredentials: true,${underPrefix}
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;
}

function page(basePath: string): string {
  const at = `${basePath}${EXPLORER_PATH.slice(1)}`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Wharf API explorer</title>
    <link rel="stylesheet" href="${at}/swagger-ui.css">
    <link rel="icon" type="image/png" href="${at}/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="${at}/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${at}/swagger-ui-bundle.js"></script>
    <script src="${at}/wharf-explorer.js"></script>
  </body>
</html>
`;
}

function swaggerUiDirectory(): string {
  return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

export function registerExplorerRoutes(app: FastifyInstance, opts: ExplorerRoutesOptions = {}): void {
  const basePath = opts.basePath ?? '/';
  const html = page(basePath);
  const script = initializer(basePath);
  const cache = new Map<string, Promise<Buffer>>();
  const asset = (name: string): Promise<Buffer> => {
    let content = cache.get(name);
    if (!content) {
      content = readFile(path.join(swaggerUiDirectory(), name));
      content.catch(() => cache.delete(name));
      cache.set(name, content);
    }
    return content;
  };

  app.get(HARBOR_EXPLORER_PATH, (_req, reply) => reply.redirect(`${basePath}${EXPLORER_PATH.slice(1)}`, 301));
  app.get(EXPLORER_PATH, (_req, reply) => reply.headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(html));
  app.get(`${EXPLORER_PATH}/wharf-explorer.js`, (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').send(script),
  );
  app.get<{ Params: { asset: string } }>(`${EXPLORER_PATH}/:asset`, async (req, reply) => {
    const name = req.params.asset;
    const type = Object.hasOwn(SWAGGER_UI_ASSETS, name) ? SWAGGER_UI_ASSETS[name] : undefined;
    if (!type) return reply.callNotFound();
    return reply
      .type(type)
      .header('Cache-Control', 'public, max-age=3600')
      .header('X-Content-Type-Options', 'nosniff')
      .send(await asset(name));
  });
}
