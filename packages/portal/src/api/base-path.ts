/**
 * Where the portal lives. Wharf serves at the root of its listener; behind a reverse proxy that publishes it under a
 * path (`http.baseUrl` = `https://example.com/registry/`), the server's index.html carries `<base href="/registry/">`
 * and the portal puts everything it asks the server for, and its own routes, under that prefix.
 */
export function basePath(): string {
  const href = document.querySelector('base')?.getAttribute('href');
  if (!href) return '/';
  const path = new URL(href, window.location.href).pathname;
  return path.endsWith('/') ? path : `${path}/`;
}

/** A server path (`/api/v2.0/…`, `/c/login`, `/v2/…`, `/devcenter`) as the browser must ask for it. */
export function serverUrl(path: string): string {
  return basePath() + path.replace(/^\/+/, '');
}

/** React Router's basename: the prefix without its trailing slash, or undefined at the root. */
export function routerBasename(): string | undefined {
  const base = basePath();
  return base === '/' ? undefined : base.slice(0, -1);
}

/** The API explorer (Swagger UI) and Wharf's OpenAPI document, which the portal links to. */
export const EXPLORER_PATH = '/devcenter';
export const OPENAPI_PATH = '/api/v2.0/openapi.json';
