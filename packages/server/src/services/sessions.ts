import { createHash, randomBytes } from 'node:crypto';
import type { UserRecord } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import type { Authenticator, SecurityContext } from './authenticator.js';
import { credentialStamp } from './credential-stamp.js';

export type UserContext = Extract<SecurityContext, { kind: 'user' }>;

export interface SessionOptions {
  /** A session unused for this long ends (sliding: every use moves the expiry). */
  readonly idleSeconds: number;
  /** A session ends this long after login however much it is used (0: no absolute limit). */
  readonly absoluteSeconds?: number;
  readonly now?: () => number;
}

export interface OpenedSession {
  /** The secret the `sid` cookie carries: 256 random bits, base64url. Only its SHA-256 is stored. */
  readonly id: string;
  readonly expiresAt: Date;
  /** Seconds from opening to `expiresAt` (the cookies' Max-Age). */
  readonly maxAgeSeconds: number;
}

export interface ResolvedSession {
  readonly ctx: UserContext;
  readonly expiresAt: Date;
  /** The expiry moved (the cookie's Max-Age should be sent again). */
  readonly refreshed: boolean;
}

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** Lower-case hex SHA-256 of a session id: the key the store knows it by. */
export function sessionIdHash(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/**
 * Browser sessions of users, stored in the database (so every node sharing it knows them). A session ends when
 * it has been idle for `idleSeconds`, `absoluteSeconds` after login however busy, at logout, and as soon as its user is deleted or their password changes
 * (the stored credential stamp no longer matches). The security context is rebuilt from the user's current record
 * on every request, so role and administrator changes apply at once.
 */
export class SessionService {
  private readonly idleMs: number;
  private readonly absoluteMs: number;
  /** Uses closer together than this do not write the new expiry (at most one write a minute per session). */
  private readonly touchEveryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly identity: Store,
    private readonly authenticator: Authenticator,
    opts: SessionOptions,
  ) {
    this.idleMs = opts.idleSeconds * 1000;
    this.absoluteMs = (opts.absoluteSeconds ?? 0) * 1000;
    this.touchEveryMs = Math.min(60_000, this.idleMs / 10);
    this.now = opts.now ?? Date.now;
  }

  get idleSeconds(): number {
    return this.idleMs / 1000;
  }

  /** Seconds from now until `expiresAt` (a cookie's Max-Age). */
  secondsUntil(expiresAt: Date): number {
    return Math.max(0, (expiresAt.getTime() - this.now()) / 1000);
  }

  /** The expiry of a session created at `createdAt` and used at `now`: idle timeout, capped by the absolute one. */
  private expiryOf(createdAt: number, now: number): Date {
    const idle = now + this.idleMs;
    return new Date(this.absoluteMs > 0 ? Math.min(idle, createdAt + this.absoluteMs) : idle);
  }

  async open(user: UserRecord, clientAddress: string | null): Promise<OpenedSession> {
    const id = randomBytes(32).toString('base64url');
    const now = new Date(this.now());
    const expiresAt = this.expiryOf(now.getTime(), now.getTime());
    await this.identity.sessions.create({
      idHash: sessionIdHash(id),
      userId: user.id,
      credentialStamp: credentialStamp(user.passwordHash),
      clientIp: clientAddress,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    });
    return { id, expiresAt, maxAgeSeconds: (expiresAt.getTime() - now.getTime()) / 1000 };
  }

  /** The user a live session belongs to; undefined for unknown, malformed, expired or invalidated sessions. */
  async resolve(id: string): Promise<ResolvedSession | undefined> {
    if (!SESSION_ID.test(id)) return undefined;
    const idHash = sessionIdHash(id);
    const session = await this.identity.sessions.get(idHash);
    if (!session) return undefined;
    const now = this.now();
    const live =
      session.expiresAt.getTime() > now &&
      (this.absoluteMs <= 0 || now < session.createdAt.getTime() + this.absoluteMs);
    const user = live ? await this.identity.users.get(session.userId) : undefined;
    if (!user || credentialStamp(user.passwordHash) !== session.credentialStamp) {
      await this.identity.sessions.delete(idHash);
      return undefined;
    }
    const ctx = (await this.authenticator.contextOf(user)) as UserContext;
    if (now - session.lastSeenAt.getTime() < this.touchEveryMs) {
      return { ctx, expiresAt: session.expiresAt, refreshed: false };
    }
    const expiresAt = this.expiryOf(session.createdAt.getTime(), now);
    await this.identity.sessions.touch(idHash, new Date(now), expiresAt);
    return { ctx, expiresAt, refreshed: true };
  }

  /** Ends the session; returns its user when it was live (for the logout record). */
  async close(id: string): Promise<UserRecord | undefined> {
    if (!SESSION_ID.test(id)) return undefined;
    const idHash = sessionIdHash(id);
    const session = await this.identity.sessions.get(idHash);
    if (!session) return undefined;
    await this.identity.sessions.delete(idHash);
    return session.expiresAt.getTime() > this.now() ? this.identity.users.get(session.userId) : undefined;
  }

  /** Removes expired sessions (periodic job). */
  purgeExpired(): Promise<number> {
    return this.identity.sessions.purgeExpired(new Date(this.now()));
  }
}
