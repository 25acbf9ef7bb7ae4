/**
 * A browser for the OIDC tests, without a browser: it follows redirects between Wharf (driven in-process with
 * `app.inject` under its base URL) and the test OpenID provider (real HTTP), keeping each side's cookies.
 */
import type { FastifyInstance } from 'fastify';

export interface Step {
  readonly url: URL;
  readonly status: number;
  readonly location?: string;
  readonly body: string;
}

function storeCookies(jar: Map<string, string>, headers: readonly string[]): void {
  for (const header of headers) {
    const [pair = ''] = header.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (/;\s*max-age=0/i.test(header) || value === '') jar.delete(name);
    else jar.set(name, value);
  }
}

const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

export class TestBrowser {
  readonly wharfCookies = new Map<string, string>();
  readonly providerCookies = new Map<string, string>();

  constructor(
    private readonly app: FastifyInstance,
    private readonly wharfOrigin: string,
  ) {}

  /** One GET, no redirect followed. */
  async get(url: URL): Promise<Step> {
    if (url.origin === this.wharfOrigin) {
      const res = await this.app.inject({
        method: 'GET',
        url: `${url.pathname}${url.search}`,
        headers: { cookie: cookieHeader(this.wharfCookies) },
      });
      const raw = res.headers['set-cookie'];
      storeCookies(this.wharfCookies, raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]);
      const location = res.headers.location;
      return { url, status: res.statusCode, body: res.body, ...(typeof location === 'string' && { location }) };
    }
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: cookieHeader(this.providerCookies) } });
    storeCookies(this.providerCookies, res.headers.getSetCookie());
    const location = res.headers.get('location');
    return { url, status: res.status, body: await res.text(), ...(location !== null && { location }) };
  }

  /**
   * Follows redirects from `path` (on Wharf) until a page that is not a redirect, or a redirect to Wharf's portal
   * (outside /c/), which is returned without being loaded. `stopAt` stops before loading a matching URL.
   */
  async follow(path: string, stopAt?: (url: URL) => boolean): Promise<Step> {
    let url = new URL(path, this.wharfOrigin);
    for (let hops = 0; hops < 20; hops++) {
      const step = await this.get(url);
      if (step.status < 300 || step.status >= 400 || step.location === undefined) return step;
      const next = new URL(step.location, url);
      if (next.origin === this.wharfOrigin && !next.pathname.startsWith('/c/')) return step;
      if (stopAt?.(next)) return step;
      url = next;
    }
    throw new Error(`too many redirects from ${path}`);
  }

  /** The session cookie and CSRF token Wharf handed out. */
  session(): { sid: string; csrf: string } {
    const sid = this.wharfCookies.get('sid');
    const csrf = this.wharfCookies.get('__csrf');
    if (!sid || !csrf) throw new Error('no Wharf session in this browser');
    return { sid, csrf };
  }
}
