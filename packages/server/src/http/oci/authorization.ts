import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatChallenge, scopesForRequest, type Scope } from '../../auth/token/scope.js';
import type { TokenService } from '../../auth/token/token-service.js';
import { TokenVerificationError, type TokenAccess } from '../../auth/token/token-signer.js';
import { ANONYMOUS, type SecurityContext } from '../../services/authenticator.js';
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
  /** Checks Basic credentials (with login throttling); undefined when they are wrong. */
  readonly login: (
    username: string,
    password: string,
    req: FastifyRequest,
    channel: 'registry' | 'token',
  ) => Promise<SecurityContext | undefined>;
  /** The security context of a token's subject (a user or robot name), for filtering the catalog. */
  readonly contextOfAccount: (name: string) => Promise<SecurityContext | undefined>;
  /** Throws (PermissionDeniedError) while the system is in read-only mode. */
  readonly assertWritable: () => Promise<void>;
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
 * - A push into a project that does not exist, by an authenticated caller: 404 NAME_UNKNOWN naming the project.
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
  const challenged = scopesForRequest(req.method, route, from ? { from } : {});
  const challenge = (error?: 'invalid_token' | 'insufficient_scope', scopes: readonly Scope[] = challenged) =>
    void reply.header(
      'WWW-Authenticate',
      formatChallenge({ realm: opts.realm(req), service: opts.tokens.service, scopes, ...(error ? { error } : {}) }),
    );

  const credentials = credentialsOf(req);
  const bearer = credentials.kind === 'bearer' ? credentials.token : undefined;
  let account = '';
  let granted: readonly (TokenAccess | RegistryGrant)[];
  let ctx: SecurityContext | undefined;
  if (bearer !== undefined) {
    let verified;
    try {
      verified = await opts.tokens.authorize(bearer);
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
      ctx =
        credentials.kind === 'basic'
          ? await opts.login(credentials.username, credentials.password, req, 'registry')
          : undefined;
      if (!ctx || credentials.kind !== 'basic') {
        challenge();
        throw new RegistryError('UNAUTHORIZED', 'invalid username or password');
      }
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
    if (isWriteMethod(req.method)) await opts.assertWritable();
    return { account, mayMount: mountScope.length > 0 && covers(granted, mountScope[0]!) };
  }
  if (account === '') {
    challenge();
    throw new RegistryError('UNAUTHORIZED', 'authentication required');
  }
  if (bearer !== undefined) {
    challenge('insufficient_scope');
    throw new RegistryError('UNAUTHORIZED', `the token does not grant ${missing.actions.join(',')} on ${missing.name}`);
  }
  const grant = granted.find((g): g is RegistryGrant => g.name === missing.name && 'missingProject' in g);
  if (grant?.missingProject !== undefined) {
    throw new RegistryError(
      'NAME_UNKNOWN',
      missing.actions.includes('push')
        ? `project ${grant.missingProject} does not exist; create it before pushing to ${missing.name}`
        : `project ${grant.missingProject} does not exist`,
      { project: grant.missingProject },
    );
  }
  throw new RegistryError('DENIED', `requested access to ${missing.name} is denied`);
}

/** Whether the granted access includes every action of `scope` (`*` includes all). */
function covers(granted: readonly TokenAccess[], scope: Scope): boolean {
  const actions = new Set(
    granted.filter((g) => g.type === scope.type && g.name === scope.name).flatMap((g) => g.actions),
  );
  return actions.has('*') || scope.actions.every((action) => actions.has(action));
}
