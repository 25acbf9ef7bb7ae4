import { stat } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HarborError, sendHarborError } from './error-handler.js';

export interface PortalRoutesOptions {
  /** The built portal (packages/portal/dist): index.html and hashed files under assets/. */
  readonly dir: string;
}

/** Path prefixes that belong to the server, never to the portal's client-side routes. */
export const RESERVED_PREFIXES = ['/v2', '/api', '/service', '/c', '/devcenter'] as const;

/** Vite names every file under assets/ after a hash of its content: such a URL never changes content. */
const HASHED_ASSETS = '/assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and the other unhashed files are revalidated on every use (ETag), so a new build shows at once. */
const REVALIDATE = 'no-cache';

/** The portal's content security policy and framing rules; the API explorer's page sends them too. */
export const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  // Ant Design writes its styles into <style> elements at run time; scripts come only from the portal's own files.
  'Content-Security-Policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

function isReserved(urlPath: string): boolean {
  return RESERVED_PREFIXES.some((prefix) => urlPath === prefix || urlPath.startsWith(`${prefix}/`));
}

/** The file a URL path names inside `dir`, or undefined when it names none (or tries to leave `dir`). */
async function fileFor(dir: string, urlPath: string): Promise<string | undefined> {
  if (urlPath.includes('\0')) return undefined;
  const relative = path.posix.normalize(urlPath).replace(/^\/+/, '');
  if (relative === '' || relative.startsWith('..')) return undefined;
  try {
    return (await stat(path.join(dir, relative))).isFile() ? relative : undefined;
  } catch {
    return undefined;
  }
}

function decodedPath(url: string): string | undefined {
  try {
    return decodeURIComponent(url.split('?', 1)[0] ?? '/');
  } catch {
    return undefined;
  }
}

const NOT_BUILT = (dir: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Wharf</title></head>
<body style="font-family: sans-serif; max-width: 48rem; margin: 4rem auto; line-height: 1.5">
<h1>Wharf is running, but its portal is not built</h1>
<p>The registry (<code>/v2</code>) and the management API (<code>/api/v2.0</code>) work. To get the web portal, build it
in the repository and reload this page:</p>
<pre>npm run build</pre>
<p>Wharf looks for it in <code>${dir.replace(/[<>&]/g, '')}</code> (configuration key <code>portal.dir</code>).</p>
</body></html>
`;

/**
 * Serves the portal, a single-page app, at `/` on the registry's port: its files with their content types (hashed
 * assets cached for a year, the rest revalidated), and index.html for every other GET outside the server's own
 * prefixes, so that the app's client-side routes survive a reload. Without a build, `/` says how to make one.
 */
export function registerPortalRoutes(app: FastifyInstance, opts: PortalRoutesOptions): void {
  const dir = path.resolve(opts.dir);
  void app.register(async (portal) => {
    await portal.register(fastifyStatic, { root: dir, serve: false, index: false });
    portal.get('/*', async (req: FastifyRequest, reply: FastifyReply) => {
      const urlPath = decodedPath(req.url);
      if (urlPath !== undefined && isReserved(urlPath)) {
        if (urlPath === '/api' || urlPath.startsWith('/api/')) {
          return sendHarborError(
            reply,
            new HarborError('NOT_FOUND', `no endpoint at ${req.method} ${req.url}`),
            req.log,
          );
        }
        return reply.callNotFound();
      }
      void reply.headers(SECURITY_HEADERS);
      const file = urlPath === undefined ? undefined : await fileFor(dir, urlPath);
      if (file !== undefined) {
        const hashed = urlPath?.startsWith(HASHED_ASSETS) === true;
        return reply.header('Cache-Control', hashed ? IMMUTABLE : REVALIDATE).sendFile(file, { cacheControl: false });
      }
      // A missing asset or file (a name with an extension) is a 404, never the app: client-side routes have none.
      if (urlPath?.startsWith(HASHED_ASSETS) === true || /\.[A-Za-z0-9]+$/.test(urlPath ?? '')) {
        return reply.callNotFound();
      }
      if (!(await fileFor(dir, '/index.html'))) {
        return reply
          .code(503)
          .header('Cache-Control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(NOT_BUILT(dir));
      }
      return reply.header('Cache-Control', REVALIDATE).sendFile('index.html', { cacheControl: false });
    });
  });
}
