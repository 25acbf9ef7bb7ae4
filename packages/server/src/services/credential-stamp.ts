import { createHash } from 'node:crypto';
import type { SecurityContext } from './authenticator.js';

/**
 * A fingerprint of a stored password or secret hash: what sessions and registry tokens remember of the credential
 * they were opened with, so that changing the password (or refreshing a robot's secret, or clearing the hash) ends
 * them. It reveals nothing usable about the hash.
 */
export function credentialStamp(hash: string | null): string {
  return hash === null ? '' : createHash('sha256').update(hash).digest('hex').slice(0, 32);
}

/** Who a registry token was issued to: the account's kind, id and credential stamp. */
export interface TokenPrincipal {
  readonly kind: 'user' | 'robot';
  readonly id: number;
  readonly stamp: string;
}

/** The principal of `ctx`; undefined for anonymous callers. */
export function tokenPrincipalOf(ctx: SecurityContext): TokenPrincipal | undefined {
  if (ctx.kind === 'user') return { kind: 'user', id: ctx.user.id, stamp: credentialStamp(ctx.user.passwordHash) };
  if (ctx.kind === 'robot') return { kind: 'robot', id: ctx.robot.id, stamp: credentialStamp(ctx.robot.secretHash) };
  return undefined;
}

/** Whether an account's current principal (from `tokenPrincipalOf`) is `issued`: same kind, id and credential. */
export function isSamePrincipal(current: TokenPrincipal | undefined, issued: TokenPrincipal): boolean {
  return (
    current !== undefined && current.kind === issued.kind && current.id === issued.id && current.stamp === issued.stamp
  );
}
