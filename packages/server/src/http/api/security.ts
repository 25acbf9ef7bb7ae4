import type { FastifyRequest } from 'fastify';
import { UnauthenticatedError } from '../../domain/errors.js';
import { ANONYMOUS, type Authenticator, type SecurityContext } from '../../services/authenticator.js';

const contexts = new WeakMap<FastifyRequest, SecurityContext>();

/** The security context the authentication hook attached to `req` (anonymous when it did not run). */
export function securityOf(req: FastifyRequest): SecurityContext {
  return contexts.get(req) ?? ANONYMOUS;
}

/** `Basic base64(user:password)` → its parts; undefined when the header is absent or another scheme. */
export function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Authenticates a management API request by HTTP Basic (local users). No Authorization header is an anonymous
 * caller; credentials that do not verify (or another scheme) are refused with 401 on every route, so a typo
 * never silently degrades to anonymous access.
 */
export async function authenticate(req: FastifyRequest, authenticator: Authenticator): Promise<void> {
  const header = req.headers.authorization;
  if (header === undefined) return;
  const credentials = parseBasic(header);
  const ctx = credentials && (await authenticator.withPassword(credentials.username, credentials.password));
  if (!ctx) throw new UnauthenticatedError('invalid username or password');
  contexts.set(req, ctx);
}
