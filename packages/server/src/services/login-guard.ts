import type { AuthChannel, LoginFailurePolicy, LoginFailureRecord } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import type { AuthDecisionSink } from './auth-events.js';
import type { Authenticator, SecurityContext } from './authenticator.js';

/** Where a login comes from: the portal (`session`), the management API, the registry's /v2, the token service. */
export type LoginChannel = AuthChannel;

export interface LoginAttempt {
  /** The client's address (Fastify's `req.ip`); throttled on its own besides the account. */
  readonly clientAddress?: string | null | undefined;
  readonly channel: LoginChannel;
}

export type AuthenticatedContext = Exclude<SecurityContext, { kind: 'anonymous' }>;

export type LoginResult =
  | { readonly ok: true; readonly ctx: AuthenticatedContext }
  /**
   * `invalid`: wrong name or password, or an account that cannot log in here. `throttled`: refused without checking
   * the password because the account or the address is locked; retry after `retryAfterSeconds`.
   */
  | { readonly ok: false; readonly reason: 'invalid' | 'throttled'; readonly retryAfterSeconds?: number };

/** When failed logins lock an account or a client address, and for how long. */
export interface LoginThrottlePolicy {
  /** Consecutive failures of one account that lock it. */
  readonly accountLockAfter: number;
  /** Consecutive failures from one address (any accounts) that lock it: higher, as users behind NAT share one. */
  readonly addressLockAfter: number;
  /** The first lock; every further failure doubles it … */
  readonly lockSeconds: number;
  /** … up to this. */
  readonly maxLockSeconds: number;
  /** A failure this long after the previous one of the same key counts from 1 again. */
  readonly failureWindowSeconds: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = {
  accountLockAfter: 5,
  addressLockAfter: 20,
  lockSeconds: 1,
  maxLockSeconds: 300,
  failureWindowSeconds: 900,
};

/**
 * The one entry point for password logins on every channel (`/c/login`, Basic on `/api/v2.0` and `/v2`, the token
 * service). `login(username, password, {clientAddress, channel})`:
 *
 * 1. refuses at once, without checking the password, while the account (`user:<name>`) or the client address
 *    (`ip:<address>`) is locked: `{ok: false, reason: 'throttled', retryAfterSeconds}`;
 * 2. otherwise checks the password with Authenticator.withPassword (users, and robot accounts named `robot$…`;
 *    the portal's `session` channel accepts users only);
 * 3. on failure counts one failure for the account and one for the address (atomic upserts in the database, so
 *    every node sharing it counts them); reaching the threshold locks the key for `lockSeconds`, doubled with every
 *    further failure up to `maxLockSeconds`: `{ok: false, reason: 'invalid'}`;
 * 4. on success clears the account's counter (not the address's: a valid login to one's own account must not
 *    unlock guessing at others) and returns `{ok: true, ctx}`.
 *
 * Every decision is recorded as an auth event (AuthEventRecorder: never fails or delays the caller). The
 * Authenticator remembers verified passwords for a minute; that only spares scrypt on success — locks are checked
 * before, and failures are always counted. A successful login costs two key lookups more than the Authenticator
 * alone (and a delete when the account had failures).
 */
export class LoginGuard {
  private readonly now: () => number;

  constructor(
    private readonly identity: Store,
    private readonly authenticator: Authenticator,
    private readonly events: AuthDecisionSink,
    private readonly policy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE,
    opts: { now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  async login(username: string, password: string, attempt: LoginAttempt): Promise<LoginResult> {
    const clientAddress = attempt.clientAddress ?? null;
    const accountKey = `user:${username}`;
    const addressKey = clientAddress === null ? undefined : `ip:${clientAddress}`;
    const at = this.now();
    const [account, address] = await Promise.all([
      this.identity.loginFailures.get(accountKey),
      addressKey === undefined ? undefined : this.identity.loginFailures.get(addressKey),
    ]);
    const lockedUntil = Math.max(lockEnd(account), lockEnd(address));
    const decision = { principal: username, clientAddress, channel: attempt.channel };
    if (lockedUntil > at) {
      this.events.record({ ...decision, outcome: 'throttled' });
      return { ok: false, reason: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil((lockedUntil - at) / 1000)) };
    }

    const ctx = await this.authenticator.withPassword(username, password);
    const refusal = ctx === undefined ? 'invalid credentials' : this.refusal(ctx, attempt.channel);
    if (ctx === undefined || refusal !== undefined) {
      await this.countFailure(accountKey, addressKey, new Date(at));
      this.events.record({ ...decision, outcome: 'failure', reason: refusal });
      return { ok: false, reason: 'invalid' };
    }
    if (account !== undefined) await this.identity.loginFailures.reset(accountKey);
    this.events.record({ ...decision, outcome: 'success' });
    return { ok: true, ctx: ctx as AuthenticatedContext };
  }

  /** Why a verified account may not log in on this channel: robot accounts have no portal sessions. */
  private refusal(ctx: SecurityContext, channel: LoginChannel): string | undefined {
    if (ctx.kind === 'anonymous') return 'invalid credentials';
    return channel === 'session' && ctx.kind === 'robot' ? 'robot accounts cannot open sessions' : undefined;
  }

  private async countFailure(accountKey: string, addressKey: string | undefined, at: Date): Promise<void> {
    const { accountLockAfter, addressLockAfter, lockSeconds, maxLockSeconds, failureWindowSeconds } = this.policy;
    const policy = (lockAfter: number): LoginFailurePolicy => ({
      windowMs: failureWindowSeconds * 1000,
      lockAfter,
      lockMs: lockSeconds * 1000,
      maxLockMs: maxLockSeconds * 1000,
    });
    await Promise.all([
      this.identity.loginFailures.increment(accountKey, at, policy(accountLockAfter)),
      addressKey === undefined
        ? undefined
        : this.identity.loginFailures.increment(addressKey, at, policy(addressLockAfter)),
    ]);
  }

  /** Removes counters whose last failure is older than the window and which are not locked (periodic job). */
  purgeStale(): Promise<number> {
    return this.identity.loginFailures.purgeBefore(new Date(this.now() - this.policy.failureWindowSeconds * 1000));
  }
}

function lockEnd(record: LoginFailureRecord | undefined): number {
  return record?.lockedUntil?.getTime() ?? 0;
}
