/**
 * The Docker registry token service: issues Bearer tokens (signed JWTs) whose `access` claim is what the caller
 * asked for reduced to what it may do, and verifies them when they come back on /v2. Harbor's behaviour: a token
 * is always issued, even with no access at all; an anonymous caller gets one too (for public pulls).
 */
import type { SecurityContext } from '../../services/authenticator.js';
import type { RegistryAccess } from '../../services/registry-access.js';
import type { Scope } from './scope.js';
import type { TokenKeys } from './token-keys.js';
import { signToken, verifyToken, type TokenAccess, type TokenClaims } from './token-signer.js';

export interface TokenServiceOptions {
  /** The `iss` claim and what verification expects. */
  readonly issuer: string;
  /** The registry's service name: the `service` of challenges and the `aud` of tokens. */
  readonly service: string;
  /** Other names a token request may give as its `service` (Harbor's `harbor-registry`); tokens keep `service`. */
  readonly acceptedServices?: readonly string[];
  /** The token lifetime in minutes (Harbor's `token_expiration` setting), read for every token issued. */
  readonly expirationMinutes: () => Promise<number>;
  /** The clock tokens are stamped and checked with (milliseconds since the epoch). */
  readonly now?: () => number;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresIn: number;
  readonly issuedAt: Date;
  readonly access: readonly TokenAccess[];
}

/** Verified tokens are remembered until they expire, up to this many. */
const VERIFIED_MAX = 4096;

export class TokenService {
  private readonly verified = new Map<string, TokenClaims>();

  constructor(
    private readonly keys: TokenKeys,
    private readonly access: RegistryAccess,
    readonly options: TokenServiceOptions,
  ) {}

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
    const token = signToken(this.keys, {
      issuer: this.options.issuer,
      audience: this.options.service,
      subject,
      access,
      expiresInSeconds: expiresIn,
      now: issuedAt,
    });
    return { token, expiresIn, issuedAt, access };
  }

  /** The claims of a token this service issued and that is still valid; TokenVerificationError otherwise. */
  verify(token: string): TokenClaims {
    const cached = this.verified.get(token);
    if (cached && cached.exp > this.now() / 1000) return cached;
    if (cached) this.verified.delete(token);
    const claims = verifyToken(token, this.keys, {
      issuer: this.options.issuer,
      audience: this.options.service,
      leewaySeconds: 0,
      now: new Date(this.now()),
    });
    if (this.verified.size >= VERIFIED_MAX) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, claims);
    return claims;
  }
}
