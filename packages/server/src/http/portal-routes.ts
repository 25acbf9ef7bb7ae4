import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HarborError, sendHarborError } from './error-handler.js';

export interface PortalRoutesOptions {
  /** The built portal (packages/portal/dist): index.html and hashed files under assets/. */
  readonly dir: string;
  /**
   * The path the portal is published under, from `http.baseUrl` (`/registry/`; `/` without one). Wharf itself always
   * serves at the root of its listener: a reverse proxy that publishes it under a path strips that path before
   * forwarding. index.html then names the prefix (a `<base href>`, and its own URLs under it), so that the browser asks
   * for everything under the prefix and the app knows where it lives.
   */
  readonly basePath?: string | undefined;
}

/** The path part of `http.baseUrl`, with one trailing slash: `/registry/` for `https://example.com/registry`. */
export function basePathOf(baseUrl: string | undefined): string {
  if (baseUrl === undefined) return '/';
  // The URL parser percent-encodes what may not appear in a path, so the result is safe inside an HTML attribute.
  const pathname = new URL(baseUrl).pathname.replace(/\/+$/, '');
  return `${pathname}/`;
}

/**
 * index.html for a portal published under `basePath`: a `<base href>` first in the head (the app reads its base from
 * it), and the root-relative URLs Vite writes (`/assets/…`, `/favicon.svg`) moved under the prefix.
 */
export function indexHtmlUnder(html: string, basePath: string): string {
  if (basePath === '/') return html;
  const base = `<base href="${basePath}">`;
  const moved = html.replace(/\b(src|href)="\/(?!\/)/g, (_match, attribute: string) => `${attribute}="${basePath}`);
  // First in the head, before any URL; a page without a <head> tag gets it right after the doctype.
  const head = /<head(?:\s[^>]*)?>/i.exec(moved) ?? /^\s*<!doctype html>/i.exec(moved);
  if (!head) return base + moved;
  const at = head.index + head[0].length;
  return moved.slice(0, at) + base + moved.slice(at);
}

/**
 * Path prefixes that belong to the server, never to the portal's client-side routes (`/v1` is Docker's v1 API, of
 * which the server answers `_ping` and `search`).
 */
export const RESERVED_PREFIXES = ['/v1', '/v2', '/api', '/service', '/c', '/devcenter'] as const;

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

/**
 * Whether a request asks for a web page: its Accept names text/html (or XHTML), or only wildcards (`*` + `/*` from
 * curl, or no Accept at all, which RFC 9110 reads as any type). A client naming other types (`application/json`,
 * even with a wildcard fallback) is a program that expects them, and gets a 404 rather than the portal's page.
 */
export function wantsHtml(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  const types = accept
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, q: q === undefined ? 1 : Number(q.slice(2)) };
    })
    .filter((t) => t.type !== '' && !(t.q <= 0))
    .map((t) => t.type);
  if (types.some((type) => type === 'text/html' || type === 'application/xhtml+xml')) return true;
  return types.length > 0 && types.every((type) => type === '*/*' || type === 'text/*');
}

/** The server's 404 outside /v2 and /api/v2.0: Harbor's JSON error envelope, never the portal's page. */
function notFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const where = `${req.method} ${req.url.split('?', 1)[0] ?? ''}`;
  return sendHarborError(reply, new HarborError('NOT_FOUND', `no endpoint at ${where}`), req.log);
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
 * prefixes that asks for a page (`wantsHtml`), so that the app's client-side routes survive a reload. Everything
 * else the server does not answer gets a JSON 404 (this plugin holds the server's not-found handler): reserved
 * prefixes, names with a file extension, and requests for other types than HTML. Without a build, `/` says how to
 * make one.
 */
export function registerPortalRoutes(app: FastifyInstance, opts: PortalRoutesOptions): void {
  const dir = path.resolve(opts.dir);
  const basePath = opts.basePath ?? '/';
  void app.register(async (portal) => {
    await portal.register(fastifyStatic, { root: dir, serve: false, index: false });
    portal.setNotFoundHandler(notFound);
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
        return notFound(req, reply);
      }
      void reply.headers(SECURITY_HEADERS);
      const file = urlPath === undefined ? undefined : await fileFor(dir, urlPath);
      if (file !== undefined) {
        const hashed = urlPath?.startsWith(HASHED_ASSETS) === true;
        return reply.header('Cache-Control', hashed ? IMMUTABLE : REVALIDATE).sendFile(file, { cacheControl: false });
      }
      // A missing asset or file (a name with an extension) is a 404, never the app: client-side routes have none.
      // So is a request for anything but a page: programs probing the server get JSON they can read.
      if (
        urlPath === undefined ||
        urlPath.startsWith(HASHED_ASSETS) ||
        /\.[A-Za-z0-9]+$/.test(urlPath) ||
        !wantsHtml(req.headers.accept)
      ) {
        return notFound(req, reply);
      }
      if (!(await fileFor(dir, '/index.html'))) {
        return reply
          .code(503)
          .header('Cache-Control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(NOT_BUILT(dir));
      }
      if (basePath === '/')
        return reply.header('Cache-Control', REVALIDATE).sendFile('index.html', { cacheControl: false });
      // Under a prefix the file is rewritten (it is a few hundred bytes), revalidated with an ETag of what is sent.
      const html = indexHtmlUnder(await readFile(path.join(dir, 'index.html'), 'utf8'), basePath);
      const etag = `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`;
      void reply.header('Cache-Control', REVALIDATE).header('ETag', etag);
      if (req.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type('text/html; charset=utf-8').send(html);
    });
  });
}
