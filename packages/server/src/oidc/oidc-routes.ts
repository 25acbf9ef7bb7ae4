import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseCookies, serializeCookie } from '../http/cookies.js';
import { HarborError, sendHarborError } from '../http/error-handler.js';
import { jsonBody, idParam } from '../http/api/request-parts.js';
import type { HttpFeature } from '../http/api/routes.js';
import { securityOf, type ApiAuthentication } from '../http/api/security.js';
import { basePathOf } from '../http/portal-routes.js';
import { sessionIdOf, setSessionCookies } from '../http/session-cookies.js';
import type { UserRecord } from '../ports/identity/user-records.js';
import { LOGIN_TTL_MS, type OidcService } from './oidc-service.js';

/** The cookies carrying a started login and a pending onboarding, sealed; only /c/oidc sees them. */
const LOGIN_COOKIE = 'oidc_login';
const ONBOARD_COOKIE = 'oidc_onboard';

export interface OidcRoutesOptions {
  readonly service: OidcService;
  readonly auth: ApiAuthentication;
  /** Public base URL (http.baseUrl); derived from the request when unset. */
  readonly baseUrl?: string | undefined;
}

function externalUrlOf(req: FastifyRequest, baseUrl: string | undefined): string {
  return (baseUrl ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '');
}

function secure(req: FastifyRequest, baseUrl: string | undefined): boolean {
  return req.protocol === 'https' || (baseUrl?.startsWith('https:') ?? false);
}

function setCookie(req: FastifyRequest, reply: FastifyReply, baseUrl: string | undefined, name: string, value: string) {
  // Under a proxy's prefix (the path of http.baseUrl) the browser sees /c/oidc below it.
  const path = `${basePathOf(baseUrl)}c/oidc`;
  void reply.header(
    'set-cookie',
    serializeCookie(name, value, {
      maxAgeSeconds: value === '' ? 0 : LOGIN_TTL_MS / 1000,
      httpOnly: true,
      secure: secure(req, baseUrl),
      // Lax: the provider's redirect back (a top-level GET) carries it; a cross-site POST does not.
      sameSite: 'Lax',
      path,
    }),
  );
}

/**
 * The portal's OIDC endpoints, as Harbor's:
 *
 * - `GET /c/oidc/login[?redirect_url=/path]`: 302 to the provider's authorisation endpoint (code flow, PKCE S256,
 *   state and nonce; the configured extra parameters added); the pending login is kept in a sealed cookie.
 * - `GET /c/oidc/callback`: exchanges the code (state, PKCE, nonce and the ID token checked); a known user, or a new
 *   one with `oidc_auto_onboard`, gets a portal session and a 302 to `redirect_url`; another new user a 302 to the
 *   portal's `/oidc-onboard?username=<suggestion>` with the pending identity in a sealed cookie.
 * - `POST /c/oidc/onboard` with `{"username": …}`: creates that user from the pending identity and opens a session.
 */
export function registerOidcWebRoutes(app: FastifyInstance, opts: OidcRoutesOptions): void {
  const { service, auth, baseUrl } = opts;
  const basePath = basePathOf(baseUrl);
  const portalPath = (path: string) => `${basePath}${path.replace(/^\/+/, '')}`;

  const openSession = async (req: FastifyRequest, reply: FastifyReply, user: UserRecord) => {
    const previous = sessionIdOf(req);
    if (previous !== undefined) await auth.sessions.close(previous);
    const session = await auth.sessions.open(user, req.ip);
    setSessionCookies(req, reply, auth.cookies, session.id, session.maxAgeSeconds);
    auth.events.record({ principal: user.username, clientAddress: req.ip, channel: 'session', outcome: 'success' });
  };

  void app.register((web, _opts, done) => {
    web.setErrorHandler((err, req, reply) => sendHarborError(reply, err, req.log));

    web.get('/c/oidc/login', async (req, reply) => {
      const query = req.query as Record<string, string | undefined>;
      const redirectUri = `${externalUrlOf(req, baseUrl)}/c/oidc/callback`;
      const { url, state } = await service.startLogin(redirectUri, query.redirect_url);
      setCookie(req, reply, baseUrl, LOGIN_COOKIE, state);
      return reply.redirect(url, 302);
    });

    web.get('/c/oidc/callback', async (req, reply) => {
      const cookies = parseCookies(req.headers.cookie);
      // The login state is used once: cleared whatever the outcome.
      setCookie(req, reply, baseUrl, LOGIN_COOKIE, '');
      const query = new URL(req.url, 'http://callback').search;
      const callbackUrl = new URL(`${externalUrlOf(req, baseUrl)}/c/oidc/callback${query}`);
      const outcome = await service.finishLogin(callbackUrl, cookies.get(LOGIN_COOKIE));
      if (outcome.kind === 'onboard') {
        setCookie(req, reply, baseUrl, ONBOARD_COOKIE, outcome.state);
        const target = `oidc-onboard?username=${encodeURIComponent(outcome.suggestedUsername)}`;
        return reply.redirect(portalPath(target), 302);
      }
      await openSession(req, reply, outcome.user);
      return reply.redirect(portalPath(outcome.returnTo), 302);
    });

    web.post('/c/oidc/onboard', async (req, reply) => {
      if (req.headers['sec-fetch-site'] === 'cross-site')
        throw new HarborError('FORBIDDEN', 'cross-site request refused');
      const { username } = (jsonBody(req) ?? {}) as { username?: unknown };
      const cookies = parseCookies(req.headers.cookie);
      const { user } = await service.finishOnboarding(cookies.get(ONBOARD_COOKIE), username);
      setCookie(req, reply, baseUrl, ONBOARD_COOKIE, '');
      await openSession(req, reply, user);
      return reply.code(200).send();
    });
    done();
  });
}

/** PUT /users/{user_id}/cli_secret and POST /system/oidc/ping (Harbor's). */
export function registerOidcApiRoutes(api: FastifyInstance, service: OidcService): void {
  api.put('/users/:user_id/cli_secret', async (req, reply) => {
    const { secret } = (jsonBody(req) ?? {}) as { secret?: unknown };
    await service.setCliSecret(securityOf(req), idParam(req, 'user_id'), secret);
    return reply.code(200).send();
  });

  api.post('/system/oidc/ping', async (req, reply) => {
    const { url, verify_cert } = (jsonBody(req) ?? {}) as { url?: unknown; verify_cert?: unknown };
    await service.ping(securityOf(req), url, verify_cert);
    return reply.code(200).send();
  });
}

/** OIDC's part of the HTTP edge. */
export function oidcHttpFeature(opts: OidcRoutesOptions): HttpFeature {
  return {
    registerApi: (api) => registerOidcApiRoutes(api, opts.service),
    registerWeb: (app) => registerOidcWebRoutes(app, opts),
    userResp: async (ctx, userId) => {
      const meta = await opts.service.metaOf(ctx, userId);
      return meta ? { oidc_user_meta: meta } : {};
    },
    systemInfo: async () => {
      const name = await opts.service.providerName();
      return name === undefined ? {} : { oidc_provider_name: name };
    },
  };
}
