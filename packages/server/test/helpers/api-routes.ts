import type { FastifyInstance } from 'fastify';

/** A route as Fastify registered it: `GET /api/v2.0/users/:user_id`. */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
}

/**
 * Collects the routes registered under `prefix` with an `onRoute` hook. Attach it before `ready()`: the API's
 * plugin registers its routes while the application boots, and inherits the hook. The HEAD routes Fastify adds by
 * itself for GET routes are left out (its `onRoute` for such a route follows the GET's at once); HEAD routes a
 * handler registers explicitly are kept.
 */
export function collectRoutes(app: FastifyInstance, prefix = '/api/v2.0'): () => RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const explicitHeads = new Set<string>();
  const automaticHeads = new Set<string>();
  app.addHook('onRoute', (route) => {
    const url = route.url ?? '';
    if (url !== prefix && !url.startsWith(`${prefix}/`)) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' && automaticHeads.delete(url)) continue;
      if (method === 'HEAD') explicitHeads.add(url);
      if (method === 'GET' && route.exposeHeadRoute !== false && !explicitHeads.has(url)) automaticHeads.add(url);
      routes.push({ method, url });
    }
  });
  let seen = false;
  return () => {
    if (routes.length === 0 && !seen) {
      throw new Error(`no routes under ${prefix} were seen: collectRoutes() must be attached before app.ready()`);
    }
    seen = true;
    return [...routes];
  };
}
