import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatChallenge, scopesForRequest, type Scope } from '../../auth/token/scope.js';
import type { TokenService } from '../../auth/token/token-service.js';
import { TokenVerificationError, type TokenAccess } from '../../auth/token/token-signer.js';
import { ANONYMOUS, type SecurityContext } from '../../services/authenticator.js';
import type { LoginResult } from '../../services/login-guard.js';
import type { RegistryAccess, RegistryGrant } from '../../services/registry-access.js';
import { credentialsOf, isWriteMethod } from '../credentials.js';
import { queryParam, type OciCaller } from './context.js';
import { RegistryError } from './errcode.js';
import type { OciRoute } from './oci-path.js';

/** What the /v2 authoriser needs from the rest of the server. */
export interface OciAuthorizationOptions {
  readonly access: RegistryAccess;
  readonly tokens: TokenService;
  /**
   * The user of the request's portal session (`sid` cookie), if it has a live one. Only GET and HEAD requests
   * without an `Authorization` header consult it: the portal reads manifests and blobs with its session, as
   * Harbor's does; writes need credentials a registry client sends.
   */
  readonly session?: (req: FastifyRequest, reply: FastifyReply) => Promise<SecurityContext | undefined>;
  /** Checks Basic credentials through the login guard: wrong ones, refused unchecked while locked, or shed while
   * password checks are saturated. */
  readonly login: (
    username: string,
    password: string,
    req: FastifyRequest,
    channel: 'registry' | 'token',
  ) => Promise<LoginResult>;
  /** The security context of a token's subject (a user or robot name), for the catalog and missing projects. */
  readonly contextOfAccount: (name: string) => Promise<SecurityContext | undefined>;
  /** Whether the caller may create projects: only such callers learn that a project does not exist. */
  readonly mayCreateProjects: (ctx: SecurityContext) => Promise<boolean>;
  /** The token service URL for challenges: `<base URL>/service/token`. */
  readonly realm: (req: FastifyRequest) => string;
}

/**
 * Authorises one /v2 request before its handler runs. Credentials: a Bearer token from /service/token, HTTP Basic
 * (checked directly, as Harbor and distribution's htpasswd do), a portal session cookie (GET and HEAD only), or
 * none (anonymous: public pulls only).
 * - No or insufficient access for an anonymous caller: 401 with a Bearer challenge naming the needed scopes.
 * - A Bearer token lacking a scope: 401 with `error="insufficient_scope"`, so clients fetch a new token.
 * - Basic credentials lacking a permission: 403 DENIED; wrong credentials: 401.
 * - A repository in a project that does not exist, for a caller who may create projects (with a Bearer token or
 *   Basic credentials): 404 NAME_UNKNOWN naming the project, which docker and skopeo print. Any other caller gets
 *   the refusal a private project it may not use gets, so which projects exist does not leak.
 * - Basic credentials refused while the login guard locks the account or address: 401 saying so, with Retry-After.
 * - Logins while password checks are saturated: 429 TOOMANYREQUESTS with `Retry-After`.
 * The base endpoint needs any valid credentials (this is how `docker login` checks them); the catalog needs an
 * authenticated caller and lists only the repositories of projects it may pull from.
 */
export async function authorizeOciRequest(
  req: FastifyRequest,
  reply: FastifyReply,
  route: OciRoute,
  opts: OciAuthorizationOptions,
): Promise<OciCaller> {
  const from = route.kind === 'uploads' ? queryParam(req, 'from') : undefined;
  const needed = scopesForRequest(req.method, route);
  const mountScope: Scope[] = from ? [{ type: 'repository', name: from, actions: ['pull'] }] : [];
  // A challenge names the mount's source too (as distribution's does), so that the token a client fetches by
  // following it can mount; a caller who may not read the source still gets a plain upload.
  const challenge = (error?: 'invalid_token' | 'insufficient_scope') => {
    const scopes = scopesForRequest(req.method, route, from ? { from } : {});
    const header = formatChallenge({
      realm: opts.realm(req),
      service: opts.tokens.service,
      scopes,
      ...(error && { error }),
    });
    void reply.header('WWW-Authenticate', header);
  };

  const credentials = credentialsOf(req);
  const bearer = credentials.kind === 'bearer' ? credentials.token : undefined;
  let account = '';
  let granted: readonly (TokenAccess | RegistryGrant)[];
  let ctx: SecurityContext | undefined;
  if (bearer !== undefined) {
    let verified;
    try {
      // A token seen within the revalidation window is a map lookup, without waiting for a promise.
      verified = opts.tokens.authorization(bearer) ?? (await opts.tokens.authorize(bearer));
    } catch (error) {
      if (!(error instanceof TokenVerificationError)) throw error;
      challenge('invalid_token');
      throw new RegistryError('UNAUTHORIZED', `invalid token: ${error.message}`);
    }
    account = verified.claims.sub;
    granted = verified.access;
    if (account !== '') ctx = verified.ctx;
  } else {
    if (credentials.kind !== 'none') {
      const result =
        credentials.kind === 'basic'
          ? await opts.login(credentials.username, credentials.password, req, 'registry')
          : undefined;
      if (!result?.ok || credentials.kind !== 'basic') {
        if (result?.ok === false && result.reason === 'busy') {
          void reply.header('Retry-After', String(result.retryAfterSeconds ?? 1));
          throw new RegistryError('TOOMANYREQUESTS', 'too many logins at once; try again');
        }
        challenge();
        throw loginRefusal(reply, result);
      }
      ctx = result.ctx;
      account = credentials.username;
    } else {
      const session = !isWriteMethod(req.method) && opts.session ? await opts.session(req, reply) : undefined;
      ctx = session ?? ANONYMOUS;
      if (session?.kind === 'user') account = session.user.username;
    }
    granted = await opts.access.grant(ctx, [...needed, ...mountScope]);
  }

  if (route.kind === 'base' || route.kind === 'catalog') {
    if (account === '') {
      challenge();
      throw new RegistryError('UNAUTHORIZED', 'authentication required');
    }
    if (route.kind === 'base') return { account, mayMount: false };
    if (covers(granted, needed[0]!)) return { account, mayMount: false };
    ctx ??= await opts.contextOfAccount(account);
    if (!ctx) {
      challenge('invalid_token');
      throw new RegistryError('UNAUTHORIZED', 'the account of this token no longer exists');
    }
    return { account, mayMount: false, catalogProjects: (await opts.access.readableProjectIds(ctx)) ?? undefined };
  }

  const missing = needed.find((scope) => !covers(granted, scope));
  if (missing === undefined) {
    return { account, mayMount: mountScope.length > 0 && covers(granted, mountScope[0]!) };
  }
  if (account === '') {
    challenge();
    throw new RegistryError('UNAUTHORIZED', 'authentication required');
  }
  const unknown = await missingProjectOf(missing, bearer === undefined ? granted : undefined, account, ctx, opts);
  if (unknown !== undefined) {
    throw new RegistryError(
      'NAME_UNKNOWN',
      missing.actions.includes('push')
        ? `project ${unknown} does not exist; create it before pushing to ${missing.name}`
        : `project ${unknown} does not exist`,
      { project: unknown },
    );
  }
  if (bearer !== undefined) {
    challenge('insufficient_scope');
    throw new RegistryError('UNAUTHORIZED', `the token does not grant ${missing.actions.join(',')} on ${missing.name}`);
  }
  throw new RegistryError('DENIED', `requested access to ${missing.name} is denied`);
}

/**
 * The project of `scope` when it does not exist and the caller may create projects (so it would learn as much
 * from POST /projects); undefined otherwise. Basic callers' grants are at hand; a token's subject is looked up
 * (only on this refusal path), so a token of an account since deleted learns nothing.
 */
async function missingProjectOf(
  scope: Scope,
  granted: readonly (TokenAccess | RegistryGrant)[] | undefined,
  account: string,
  ctx: SecurityContext | undefined,
  opts: OciAuthorizationOptions,
): Promise<string | undefined> {
  const caller = ctx ?? (await opts.contextOfAccount(account));
  if (!caller) return undefined;
  const grants = granted ?? (await opts.access.grant(caller, [scope]));
  const grant = grants.find((g): g is RegistryGrant => g.name === scope.name && 'missingProject' in g);
  if (grant?.missingProject === undefined) return undefined;
  return (await opts.mayCreateProjects(caller)) ? grant.missingProject : undefined;
}

/** The error for Basic credentials the login guard refused: wrong, or not checked during a lock. */
function loginRefusal(reply: FastifyReply, result: LoginResult | undefined): RegistryError {
  if (result?.ok === false && result.reason === 'throttled') {
    return new RegistryError('UNAUTHORIZED', lockout(reply, result.retryAfterSeconds));
  }
  return new RegistryError('UNAUTHORIZED', 'invalid username or password');
}

/**
 * For a login refused during a lock: sets Retry-After and returns the message docker, podman and skopeo print (they
 * show a 401's `errors[0].message`, from /v2 and from the token service alike).
 */
export function lockout(reply: FastifyReply, retryAfterSeconds: number | undefined): string {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds ?? 1));
  void reply.header('Retry-After', String(seconds));
  return `too many failed logins: login locked, try again in ${seconds} second${seconds === 1 ? '' : 's'}`;
}

/** Whether the granted access includes every action of `scope` (`*` includes all). */
function covers(granted: readonly TokenAccess[], scope: Scope): boolean {
  // Loops rather than a set of the granted actions: this runs for every /v2 request.
  for (const action of scope.actions) {
    let found = false;
    for (const g of granted) {
      if (g.type === scope.type && g.name === scope.name && (g.actions.includes(action) || g.actions.includes('*'))) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}
