/**
 * Docker token authentication as docker, containerd and podman do it: find the token service from the registry's
 * `WWW-Authenticate: Bearer realm=…,service=…` challenge on `GET /v2/`, ask it with Basic credentials for a token
 * per scope (`repository:<name>:pull,push`), keep the token until shortly before it expires, and fetch a new one
 * when the registry refuses it (401 with `error="insufficient_scope"` or `"invalid_token"`).
 */
import { expectStatus, header, type HttpClient } from './http-client.js';

export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

export interface BearerChallenge {
  readonly realm: string;
  readonly service: string;
  readonly scope?: string;
  readonly error?: string;
}

/** Parses a `Bearer realm="…",service="…",scope="…",error="…"` challenge; undefined for anything else. */
export function parseBearerChallenge(value: string | undefined): BearerChallenge | undefined {
  const m = /^\s*bearer\s+(.*)$/is.exec(value ?? '');
  if (m?.[1] === undefined) return undefined;
  const params = new Map<string, string>();
  for (const p of m[1].matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
    const key = p[1]?.toLowerCase();
    if (key !== undefined) params.set(key, p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? ''));
  }
  const realm = params.get('realm');
  if (realm === undefined || realm === '') return undefined;
  const scope = params.get('scope');
  const error = params.get('error');
  return {
    realm,
    service: params.get('service') ?? '',
    ...(scope === undefined ? {} : { scope }),
    ...(error === undefined ? {} : { error }),
  };
}

export function repositoryScope(repo: string, actions: 'pull' | 'pull,push'): string {
  return `repository:${repo}:${actions}`;
}

export const CATALOG_SCOPE = 'registry:catalog:*';

/** When the token service omits `expires_in`, the token specification says to assume 60 seconds. */
const DEFAULT_EXPIRES_IN_S = 60;
/** Renew this long before expiry (at most; short-lived tokens are renewed after 90% of their life). */
const RENEW_MARGIN_MS = 30_000;

interface CachedToken {
  readonly token: string;
  /** Date.now() after which the token is renewed rather than sent. */
  readonly renewAt: number;
}

interface Entry {
  readonly promise: Promise<CachedToken>;
  /** The token once issued, to tell whether a refused token is still the cached one. */
  readonly token: string | undefined;
}

/** The `Authorization` header value of HTTP Basic authentication with `credentials`. */
export function basicAuthorization(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

export class TokenAuth {
  private endpoint: Promise<BearerChallenge> | undefined;
  private readonly tokens = new Map<string, Entry>();
  private readonly basic: string;
  /** Tokens fetched from the token service so far. */
  tokenRequests = 0;

  constructor(
    private readonly http: HttpClient,
    credentials: BasicCredentials,
  ) {
    this.basic = basicAuthorization(credentials);
  }

  /** The `Authorization` header value for `scope` ('' asks for a token without scope, as `docker login` does). */
  async authorization(scope: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const entry = this.tokens.get(scope) ?? this.fetch(scope);
      const got = await entry.promise;
      if (got.renewAt > Date.now() || attempt > 0) return `Bearer ${got.token}`;
      if (this.tokens.get(scope) === entry) this.tokens.delete(scope);
    }
  }

  /**
   * Whether a response refused the token sent for `scope` in a way a new token can cure; if so the cached token is
   * dropped so that the next authorization() fetches a fresh one.
   */
  refused(status: number, wwwAuthenticate: string | undefined, scope: string, sent: string | undefined): boolean {
    if (status !== 401) return false;
    const challenge = parseBearerChallenge(wwwAuthenticate);
    if (challenge?.error !== 'insufficient_scope' && challenge?.error !== 'invalid_token') return false;
    const entry = this.tokens.get(scope);
    if (entry !== undefined && (sent === undefined || sent === `Bearer ${entry.token ?? ''}`)) {
      this.tokens.delete(scope);
    }
    return true;
  }

  /** The realm and service named by the challenge of an unauthenticated `GET /v2/`. */
  private discover(): Promise<BearerChallenge> {
    this.endpoint ??= (async () => {
      const res = await this.http.request({ method: 'GET', url: '/v2/' });
      const challenge = parseBearerChallenge(header(res, 'www-authenticate'));
      if (res.status !== 401 || challenge === undefined) {
        throw new Error(`GET /v2/: expected 401 with a Bearer challenge, got ${res.status}`);
      }
      return challenge;
    })();
    this.endpoint.catch(() => {
      this.endpoint = undefined;
    });
    return this.endpoint;
  }

  private fetch(scope: string): Entry {
    const issued: { token?: string } = {};
    const entry: Entry = {
      promise: this.request(scope).then((got) => {
        issued.token = got.token;
        return got;
      }),
      get token() {
        return issued.token;
      },
    };
    this.tokens.set(scope, entry);
    entry.promise.catch(() => {
      if (this.tokens.get(scope) === entry) this.tokens.delete(scope);
    });
    return entry;
  }

  private async request(scope: string): Promise<CachedToken> {
    const { realm, service } = await this.discover();
    const url = new URL(realm, this.http.baseUrl);
    if (service !== '') url.searchParams.set('service', service);
    if (scope !== '') url.searchParams.append('scope', scope);
    this.tokenRequests++;
    const res = await this.http.request({ method: 'GET', url: url.href, headers: { authorization: this.basic } });
    expectStatus(`GET ${url.pathname} (token for ${scope === '' ? 'no scope' : scope})`, res, 200);
    const doc = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
    const token = typeof doc['token'] === 'string' ? doc['token'] : doc['access_token'];
    if (typeof token !== 'string' || token === '') throw new Error(`${url.pathname}: no token in the answer`);
    const expiresIn = doc['expires_in'];
    const lifeMs = (typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : DEFAULT_EXPIRES_IN_S) * 1000;
    return { token, renewAt: Date.now() + Math.max(lifeMs - RENEW_MARGIN_MS, lifeMs * 0.9) };
  }
}
