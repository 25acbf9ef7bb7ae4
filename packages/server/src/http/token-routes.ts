import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnavailableError } from '../domain/errors.js';
import { parseScopes, ScopeParseError, type Scope } from '../auth/token/scope.js';
import type { TokenService } from '../auth/token/token-service.js';
import { ANONYMOUS, type SecurityContext } from '../services/authenticator.js';
import { credentialsOf } from './credentials.js';
import { lockout, type OciAuthorizationOptions } from './oci/authorization.js';
import type { RateLimitHooks } from '../rate-limits/http-hooks.js';

export interface TokenRoutesOptions {
  readonly tokens: TokenService;
  /** Checks credentials through the login guard (wrong ones, refused unchecked during a lock, shed when busy). */
  readonly login: OciAuthorizationOptions['login'];
  /** Rate limits (`rateLimits.enabled`): the `auth` class, per client address; absent: no hook. */
  readonly rateLimits?: RateLimitHooks | undefined;
}

type Params = Readonly<Record<string, string | string[] | undefined>>;

/** Token-endpoint errors: `{"errors":[…]}` as distribution's token servers write them, plus OAuth2's `error`. */
function refuse(reply: FastifyReply, status: number, code: string, message: string) {
  return reply
    .code(status)
    .type('application/json')
    .send({ errors: [{ code, message }], ...(status === 400 ? { error: 'invalid_request' } : {}) });
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The Docker registry token service at /service/token: `GET` with optional Basic credentials (what docker,
 * podman, skopeo and containerd send) and `POST` with the OAuth2 password grant (form-encoded). Wrong
 * credentials are refused with 401, and so are credentials the login guard does not check during a lock (saying so,
 * with Retry-After); logins while password checks are saturated get 429 and `Retry-After`; no credentials get an
 * anonymous token (public pulls). Scopes the caller may
 * not use are silently reduced, never refused.
 */
export function registerTokenRoutes(app: FastifyInstance, opts: TokenRoutesOptions): void {
  void app.register((svc, _opts, done) => {
    svc.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_req, body, next) => {
        const params: Record<string, string | string[]> = {};
        for (const [key, value] of new URLSearchParams(body as string)) {
          const existing = params[key];
          params[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
        }
        next(null, params);
      },
    );

    const limits = opts.rateLimits;
    if (limits) {
      svc.addHook('onRequest', async (req, reply) => {
        const refusal = await limits.limit(req, reply, 'auth');
        if (refusal) return refuse(reply, 429, 'TOOMANYREQUESTS', refusal.message);
      });
    }

    const answer = async (
      req: FastifyRequest,
      reply: FastifyReply,
      params: Params,
      credentials: { username: string; password: string } | undefined,
      oauth: boolean,
    ) => {
      const service = first(params.service);
      if (service !== undefined && !opts.tokens.accepts(service)) {
        return refuse(reply, 400, 'UNSUPPORTED', `unknown service ${JSON.stringify(service)}`);
      }
      let scopes: Scope[];
      try {
        scopes = parseScopes(params.scope);
      } catch (error) {
        if (error instanceof ScopeParseError) return refuse(reply, 400, 'UNSUPPORTED', error.message);
        throw error;
      }
      let ctx: SecurityContext = ANONYMOUS;
      if (credentials) {
        let verified: Awaited<ReturnType<typeof opts.login>>;
        try {
          verified = await opts.login(credentials.username, credentials.password, req, 'token');
        } catch (error) {
          // The identity provider cannot tell (LDAP, the authenticating proxy or the OpenID provider is down).
          if (!(error instanceof UnavailableError)) throw error;
          req.log.warn({ err: error }, 'a login could not be checked');
          void reply.header('Retry-After', String(error.retryAfterSeconds));
          return refuse(reply, 503, 'UNAVAILABLE', error.message);
        }
        if (!verified.ok) {
          if (verified.reason === 'busy') {
            void reply.header('Retry-After', String(verified.retryAfterSeconds ?? 1));
            return refuse(reply, 429, 'TOOMANYREQUESTS', 'too many logins at once; try again');
          }
          const message =
            verified.reason === 'throttled'
              ? lockout(reply, verified.retryAfterSeconds)
              : 'invalid username or password';
          return refuse(reply, 401, 'UNAUTHORIZED', message);
        }
        ctx = verified.ctx;
      }
      const issued = await opts.tokens.issue(ctx, credentials?.username ?? '', scopes);
      const body = {
        token: issued.token,
        access_token: issued.token,
        expires_in: issued.expiresIn,
        issued_at: issued.issuedAt.toISOString(),
        ...(oauth ? { scope: issued.access.map((a) => `${a.type}:${a.name}:${a.actions.join(',')}`).join(' ') } : {}),
      };
      return reply.header('Cache-Control', 'no-store').send(body);
    };

    svc.get('/service/token', async (req, reply) => {
      const credentials = credentialsOf(req);
      if (credentials.kind === 'bearer' || credentials.kind === 'malformed') {
        return refuse(reply, 401, 'UNAUTHORIZED', 'only Basic credentials are accepted here');
      }
      const basic = credentials.kind === 'basic' ? credentials : undefined;
      return answer(req, reply, req.query as Params, basic, false);
    });

    svc.post('/service/token', async (req, reply) => {
      const params = (req.body ?? {}) as Params;
      const grant = first(params.grant_type);
      if (grant !== 'password') {
        return reply.code(400).send({ error: 'unsupported_grant_type', error_description: 'only the password grant' });
      }
      const username = first(params.username) ?? '';
      const password = first(params.password) ?? '';
      return answer(req, reply, params, { username, password }, true);
    });
    done();
  });
}
