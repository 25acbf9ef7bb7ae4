/**
 * The Docker registry token service: issues Bearer tokens (signed JWTs) whose `access` claim is what the caller
 * asked for reduced to what it may do, and verifies them when they come back on /v2. Harbor's behaviour: a token
 * is always issued, even with no access at all; an anonymous caller gets one too (for public pulls).
 *
 * Revocation: a token names its account (kind, id and a stamp of its credential). Verifying it looks the account up
 * again, from a per-account cache that each node refreshes from the database at most once per `revalidateMs`
 * (concurrent requests share one lookup), and reduces the token's access once more against the account's current
 * roles and permissions (projects looked up through a cache of the same lifetime). So a deleted user, a changed
 * password, a removed member or changed role, a disabled, deleted or re-keyed robot stops a token within about a
 * second on every node. What a token's check concluded (its account, and its access reduced against the account and
 * projects it read) is kept until the token expires or the first of those cache entries is due to be read again, so a
 * request with a token seen within that window costs one map lookup, with the same freshness as the caches.
 *
 * A token issued from a personal access token login carries the PAT's id (`pat`): each check looks that PAT up again
 * (one indexed lookup, never cached, never remembered with the authorisation), so revoking or expiring it ends the
 * token at the next request on every node, and the access is reduced to the PAT's scope as well.
 */
import { SharedCache, type SharedCacheEntry } from '../../lib/shared-cache.js';
import type { ProjectRecord } from '../../ports/identity-store.js';
import type { TokenScope } from '../../domain/rbac/evaluator.js';
import { ANONYMOUS, scopedContext, tokenScopeOf, type SecurityContext } from '../../services/authenticator.js';
import { isSamePrincipal, tokenPrincipalOf, type TokenPrincipal } from '../../services/credential-stamp.js';
import type { RegistryAccess } from '../../services/registry-access.js';
import type { Scope } from './scope.js';
import type { TokenKeyRing } from './token-key-ring.js';
import { signToken, TokenVerificationError, verifyToken, type TokenAccess, type TokenClaims } from './token-signer.js';

export interface TokenServiceOptions {
  /** The `iss` claim and what verification expects. */
  readonly issuer: string;
  /** The registry's service name: the `service` of challenges and the `aud` of tokens. */
  readonly service: string;
  /** Other names a token request may give as its `service` (Harbor's `harbor-registry`); tokens keep `service`. */
  readonly acceptedServices?: readonly string[];
  /** The token lifetime in minutes (Harbor's `token_expiration` setting), read for every token issued. */
  readonly expirationMinutes: () => Promise<number>;
  /** The current context of the account a token names (a user, or an active robot); undefined when it is gone. */
  readonly contextOfAccount: (name: string) => Promise<SecurityContext | undefined>;
  /**
   * The scope of the personal access token `tokenId` of user `userId` while it is valid (not revoked, not expired);
   * undefined otherwise. Without it, tokens issued from personal access tokens are refused.
   */
  readonly personalTokenScope?: (tokenId: number, userId: number) => Promise<TokenScope | undefined>;
  /** A project by name, as stored now. */
  readonly projectNamed: (name: string) => Promise<ProjectRecord | undefined>;
  /** How long a looked-up account or project is trusted when verifying tokens (at most a second). */
  readonly revalidateMs?: number;
  /** The clock tokens are stamped and checked with (milliseconds since the epoch). */
  readonly now?: () => number;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresIn: number;
  readonly issuedAt: Date;
  readonly access: readonly TokenAccess[];
}

/** A token that verified, with who holds it now and what it still grants. */
export interface VerifiedToken {
  readonly claims: TokenClaims;
  /** The account's current context (anonymous for anonymous tokens). */
  readonly ctx: SecurityContext;
  /** The token's access reduced to what the account may still do. */
  readonly access: readonly TokenAccess[];
}

/** Verified tokens (and their authorisations) are remembered until they expire, up to this many. */
const VERIFIED_MAX = 4096;

/** An account as a token check needs it: its context, and its principal (whose stamp hashes the credential). */
interface CurrentAccount {
  readonly ctx: SecurityContext;
  readonly principal: TokenPrincipal | undefined;
}

/** A token's authorisation, trusted until `until` (ms): its expiry or the end of trust of what it read. */
interface Authorization {
  readonly verified: VerifiedToken;
  readonly until: number;
}

export class TokenService {
  private readonly verified = new Map<string, TokenClaims>();
  private readonly authorized = new Map<string, Authorization>();
  private readonly accounts: SharedCache<CurrentAccount | undefined>;
  private readonly projects: SharedCache<ProjectRecord | undefined>;

  constructor(
    private readonly keys: TokenKeyRing,
    private readonly access: RegistryAccess,
    readonly options: TokenServiceOptions,
  ) {
    const ttl = Math.min(1000, options.revalidateMs ?? 1000);
    this.accounts = new SharedCache(ttl, () => this.now());
    this.projects = new SharedCache(ttl, () => this.now());
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  get service(): string {
    return this.options.service;
  }

  /** Whether a token request naming `service` is for this registry. */
  accepts(service: string): boolean {
    return service === this.options.service || (this.options.acceptedServices ?? []).includes(service);
  }

  /** A token for `subject` (the account name, '' when anonymous) granting what `ctx` may do of `scopes`. */
  async issue(ctx: SecurityContext, subject: string, scopes: readonly Scope[]): Promise<IssuedToken> {
    const granted = await this.access.grant(ctx, scopes);
    const access = granted
      .filter((scope) => scope.actions.length > 0)
      .map(({ type, name, actions }) => ({ type, name, actions }));
    const expiresIn = Math.max(1, Math.round((await this.options.expirationMinutes()) * 60));
    const issuedAt = new Date(this.now());
    const principal = tokenPrincipalOf(ctx);
    const pat = tokenScopeOf(ctx)?.tokenId;
    const token = signToken(this.keys.current(), {
      issuer: this.options.issuer,
      audience: this.options.service,
      subject,
      access,
      expiresInSeconds: expiresIn,
      now: issuedAt,
      ...(principal && { principal }),
      ...(pat !== undefined && { pat }),
    });
    return { token, expiresIn, issuedAt, access };
  }

  /**
   * The claims of a token this service issued and that is still valid (signature, issuer, audience, expiry);
   * TokenVerificationError otherwise. Says nothing about revocation: see `authorize`.
   */
  verify(token: string): TokenClaims {
    const cached = this.verified.get(token);
    if (cached && cached.exp > this.now() / 1000) return cached;
    if (cached) this.verified.delete(token);
    const claims = verifyToken(token, this.keys.verificationKeys(), {
      issuer: this.options.issuer,
      audience: this.options.service,
      leewaySeconds: 0,
      now: new Date(this.now()),
    });
    remember(this.verified, token, claims);
    return claims;
  }

  /**
   * What `authorize` concluded about `token` while that still holds (the token has not expired, and no account or
   * project it read is due to be read again); undefined otherwise. A map lookup: the /v2 path asks it first.
   */
  authorization(token: string): VerifiedToken | undefined {
    const known = this.authorized.get(token);
    if (known === undefined) return undefined;
    if (this.now() < known.until) return known.verified;
    this.authorized.delete(token);
    return undefined;
  }

  /**
   * Verifies `token` and checks that its account still exists with the same id and credential (TokenVerificationError
   * `revoked` otherwise); its access comes back reduced to what the account may do now.
   */
  async authorize(token: string): Promise<VerifiedToken> {
    const known = this.authorization(token);
    if (known) return known;
    const claims = await this.verifyLearning(token);
    // Trusted no longer than the token is valid, nor than any cache entry it reads.
    let until = claims.exp * 1000;
    const trust = <V>(entry: SharedCacheEntry<V>): Promise<V> => {
      until = Math.min(until, entry.until);
      return entry.value;
    };
    let ctx: SecurityContext = ANONYMOUS;
    if (claims.sub !== '') {
      const current = await trust(this.accounts.entry(claims.sub, () => this.currentAccount(claims.sub)));
      if (!current || (claims.principal && !isSamePrincipal(current.principal, claims.principal))) {
        throw new TokenVerificationError('revoked', 'the token has been revoked');
      }
      ctx = current.ctx;
      if (claims.pat !== undefined) {
        const scope =
          ctx.kind === 'user' ? await this.options.personalTokenScope?.(claims.pat, ctx.user.id) : undefined;
        if (!scope) throw new TokenVerificationError('revoked', 'the personal access token has been revoked');
        ctx = scopedContext(ctx, scope);
      }
    }
    const granted = await this.access.grant(ctx, claims.access, (name) =>
      trust(this.projects.entry(name, () => this.options.projectNamed(name))),
    );
    const verified = { claims, ctx, access: granted.map(({ type, name, actions }) => ({ type, name, actions })) };
    if (claims.pat === undefined) remember(this.authorized, token, { verified, until });
    return verified;
  }

  /**
   * `verify`, but a token naming a key this node does not know makes the key ring re-read the keys once (another
   * node may have rotated them before this one heard of it) before the token is refused.
   */
  private async verifyLearning(token: string): Promise<TokenClaims> {
    try {
      return this.verify(token);
    } catch (error) {
      if (!(error instanceof TokenVerificationError) || error.reason !== 'unknown-key') throw error;
      const kid = keyIdOf(token);
      if (kid === undefined || !(await this.keys.learn(kid))) throw error;
      return this.verify(token);
    }
  }

  /**
   * Forgets what was cached of the account `name` (changed, disabled or deleted, possibly by another node), and
   * every authorisation concluded from the caches: the next request with any token reads again.
   */
  forgetAccount(name: string): void {
    this.accounts.delete(name);
    this.authorized.clear();
  }

  /** Forgets what was cached of the project `name` (made private, deleted…) and every authorisation. */
  forgetProject(name: string): void {
    this.projects.delete(name);
    this.authorized.clear();
  }

  /** Forgets every cached account, project and authorisation (signals may have been lost). */
  forgetAll(): void {
    this.accounts.clear();
    this.projects.clear();
    this.authorized.clear();
  }

  /** The account a token names, as stored now, with its principal computed once per lookup. */
  private async currentAccount(name: string): Promise<CurrentAccount | undefined> {
    const ctx = await this.options.contextOfAccount(name);
    return ctx && { ctx, principal: tokenPrincipalOf(ctx) };
  }
}

/** The `kid` of a token's header (already found well formed by verifyToken, which threw `unknown-key`). */
function keyIdOf(token: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
      kid?: unknown;
    };
    return typeof header.kid === 'string' && header.kid.length <= 100 ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

/** Adds `key` to a map bounded by VERIFIED_MAX, forgetting the oldest entry when it is full. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= VERIFIED_MAX) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}
