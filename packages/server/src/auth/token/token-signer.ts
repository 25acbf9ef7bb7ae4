/**
 * Bearer tokens of the Docker registry token specification: compact JWS with header {typ, alg, kid} and claims
 * {iss, sub, aud, exp, nbf, iat, jti, access}, where `access` lists what the holder may do
 * ({type, name, actions}, as in distribution's registry/auth/token ClaimSet). RS256 and ES256 only.
 */
import { randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import type { TokenAlgorithm, TokenKeys } from './token-keys.js';

export interface TokenAccess {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
}

export interface TokenClaims {
  readonly iss: string;
  /** The user or robot name; empty for an anonymous caller. */
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly exp: number;
  readonly nbf: number;
  readonly iat: number;
  readonly jti: string;
  readonly access: readonly TokenAccess[];
  /** Wharf's claim: the account the token was issued to (kind, id, credential stamp); absent for anonymous callers. */
  readonly principal?: TokenPrincipalClaim;
  /** Wharf's claim: the personal access token the login used (its id); the token's scope narrows the access. */
  readonly pat?: number;
}

export interface TokenPrincipalClaim {
  readonly kind: 'user' | 'robot';
  readonly id: number;
  readonly stamp: string;
}

export interface SignTokenOptions {
  readonly issuer: string;
  /** The registry service name (the `service` of the challenge). */
  readonly audience: string;
  readonly subject: string;
  readonly access: readonly TokenAccess[];
  readonly expiresInSeconds: number;
  readonly now?: Date;
  readonly principal?: TokenPrincipalClaim;
  readonly pat?: number;
}

export function signToken(keys: TokenKeys, options: SignTokenOptions): string {
  if (!Number.isInteger(options.expiresInSeconds) || options.expiresInSeconds <= 0) {
    throw new RangeError('expiresInSeconds must be a positive integer');
  }
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const header = { typ: 'JWT', alg: keys.algorithm, kid: keys.kid };
  const claims: TokenClaims = {
    iss: options.issuer,
    sub: options.subject,
    aud: options.audience,
    exp: iat + options.expiresInSeconds,
    nbf: iat,
    iat,
    jti: randomBytes(16).toString('base64url'),
    access: options.access.map(({ type, name, actions }) => ({ type, name, actions: [...actions] })),
    ...(options.principal && {
      principal: { kind: options.principal.kind, id: options.principal.id, stamp: options.principal.stamp },
    }),
    ...(options.pat !== undefined && { pat: options.pat }),
  };
  const signingInput = `${encodeJson(header)}.${encodeJson(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), signingKey(keys.algorithm, keys.privateKey));
  return `${signingInput}.${signature.toString('base64url')}`;
}

export type TokenErrorReason =
  | 'malformed'
  | 'unsupported-algorithm'
  | 'unknown-key'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'revoked';

export class TokenVerificationError extends Error {
  constructor(
    readonly reason: TokenErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** A key a token may be signed with; TokenKeys fits. */
export interface VerificationKey {
  readonly algorithm: TokenAlgorithm;
  readonly kid: string;
  readonly publicKey: KeyObject;
}

export interface VerifyTokenOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly now?: Date;
  /** Clock skew tolerated on `exp` and `nbf`; distribution allows 60 seconds. */
  readonly leewaySeconds?: number;
}

/**
 * The claims of `token` when it is well formed, signed by one of `keys` (chosen by `kid`, algorithm pinned to
 * the key's), currently valid, and issued by `issuer` for `audience`. Throws TokenVerificationError otherwise.
 */
export function verifyToken(
  token: string,
  keys: VerificationKey | readonly VerificationKey[],
  options: VerifyTokenOptions,
): TokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new TokenVerificationError('malformed', 'token is not a compact JWS');
  const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  if (typeof header.alg !== 'string' || typeof header.kid !== 'string') {
    throw new TokenVerificationError('malformed', 'token header lacks alg or kid');
  }
  if (header.alg !== 'RS256' && header.alg !== 'ES256') {
    throw new TokenVerificationError('unsupported-algorithm', `token algorithm ${header.alg} is not accepted`);
  }
  const trusted: readonly VerificationKey[] = 'kid' in keys ? [keys] : keys;
  const key = trusted.find((candidate) => candidate.kid === header.kid);
  if (key === undefined) throw new TokenVerificationError('unknown-key', `token key ${header.kid} is not trusted`);
  if (key.algorithm !== header.alg) {
    throw new TokenVerificationError(
      'unsupported-algorithm',
      `key ${key.kid} signs ${key.algorithm}, not ${header.alg}`,
    );
  }
  const signature = decodeBase64url(signaturePart);
  const signed = Buffer.from(`${headerPart}.${claimsPart}`);
  if (!verifies(key, signed, signature)) {
    throw new TokenVerificationError('bad-signature', 'token signature does not verify');
  }
  const claims = parseClaims(decodeJson(claimsPart));
  checkClaims(claims, options);
  return claims;
}

function checkClaims(claims: TokenClaims, options: VerifyTokenOptions): void {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const leeway = options.leewaySeconds ?? 60;
  if (claims.iss !== options.issuer) throw new TokenVerificationError('wrong-issuer', `token issuer ${claims.iss}`);
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
  if (!audiences.includes(options.audience)) {
    throw new TokenVerificationError('wrong-audience', `token is not for ${options.audience}`);
  }
  if (now >= claims.exp + leeway) throw new TokenVerificationError('expired', 'token has expired');
  if (now + leeway < claims.nbf) throw new TokenVerificationError('not-yet-valid', 'token is not valid yet');
}

function parseClaims(raw: Record<string, unknown>): TokenClaims {
  const { iss, sub, aud, exp, nbf, iat, jti, access } = raw;
  const audOk = typeof aud === 'string' || (Array.isArray(aud) && aud.every((a) => typeof a === 'string'));
  const numbersOk = [exp, nbf, iat].every((n) => typeof n === 'number' && Number.isFinite(n));
  if (typeof iss !== 'string' || typeof sub !== 'string' || !audOk || !numbersOk || typeof jti !== 'string') {
    throw new TokenVerificationError('malformed', 'token claims are incomplete');
  }
  if (!Array.isArray(access) || !access.every(isAccess)) {
    throw new TokenVerificationError('malformed', 'token access claim is malformed');
  }
  if (raw.principal !== undefined && !isPrincipal(raw.principal)) {
    throw new TokenVerificationError('malformed', 'token principal claim is malformed');
  }
  if (raw.pat !== undefined && !(Number.isInteger(raw.pat) && (raw.pat as number) > 0)) {
    throw new TokenVerificationError('malformed', 'token pat claim is malformed');
  }
  return raw as unknown as TokenClaims;
}

function isAccess(value: unknown): value is TokenAccess {
  if (typeof value !== 'object' || value === null) return false;
  const { type, name, actions } = value as Record<string, unknown>;
  return (
    typeof type === 'string' &&
    typeof name === 'string' &&
    Array.isArray(actions) &&
    actions.every((a) => typeof a === 'string')
  );
}

function isPrincipal(value: unknown): value is TokenPrincipalClaim {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, id, stamp } = value as Record<string, unknown>;
  return (kind === 'user' || kind === 'robot') && Number.isInteger(id) && typeof stamp === 'string';
}

function verifies(key: VerificationKey, signed: Buffer, signature: Buffer): boolean {
  try {
    return verify('sha256', signed, signingKey(key.algorithm, key.publicKey), signature);
  } catch {
    return false; // e.g. an ES256 signature of the wrong length
  }
}

function signingKey(
  algorithm: TokenAlgorithm,
  key: KeyObject,
): KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' } {
  // JWS ES256 signatures are the raw r||s pair, not DER.
  return algorithm === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key;
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeJson(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decodeBase64url(part).toString('utf8'));
  } catch {
    throw new TokenVerificationError('malformed', 'token part is not base64url JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenVerificationError('malformed', 'token part is not a JSON object');
  }
  return value as Record<string, unknown>;
}

function decodeBase64url(part: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw new TokenVerificationError('malformed', 'token part is not base64url');
  return Buffer.from(part, 'base64url');
}
