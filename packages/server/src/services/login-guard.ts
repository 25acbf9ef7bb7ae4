import { createHmac, randomBytes } from 'node:crypto';
import { PasswordCheckOverloadError } from '../lib/password-hash.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { AuthChannel, LoginFailurePolicy } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import type { AuthDecision, AuthDecisionSink } from './auth-events.js';
import { tokenScopeOf, type Authenticator, type SecurityContext } from './authenticator.js';

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
   * the password because the account, the address or the pair of both is locked; retry after `retryAfterSeconds`
   * (the seconds until the lock ends). `busy`: refused without checking because too many password checks are
   * running and waiting already (PasswordVerifier's limits); retry after `retryAfterSeconds`.
   */
  | {
      readonly ok: false;
      readonly reason: 'invalid' | 'throttled' | 'busy';
      readonly retryAfterSeconds?: number;
    };

/** When failed logins lock an account, a client address or the pair of both, and for how long. */
export interface LoginThrottlePolicy {
  /** Failures of one account from one address that lock that account for that address only. */
  readonly pairLockAfter: number;
  /** Failures from one address (any accounts) that lock the address: higher, as users behind NAT share one. */
  readonly addressLockAfter: number;
  /**
   * Failures of one account from all addresses together that lock it everywhere: a backstop against guessing
   * from many addresses, much higher than `pairLockAfter`, and its lock is capped by `accountMaxLockSeconds`.
   */
  readonly accountLockAfter: number;
  /** The first lock; every further failure doubles it … */
  readonly lockSeconds: number;
  /** … up to this. */
  readonly maxLockSeconds: number;
  /** The account-wide lock grows up to this at most (and never past `maxLockSeconds`). */
  readonly accountMaxLockSeconds: number;
  /** A failure this long after the previous one of the same key counts from 1 again. */
  readonly failureWindowSeconds: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = {
  pairLockAfter: 5,
  addressLockAfter: 20,
  accountLockAfter: 100,
  lockSeconds: 1,
  maxLockSeconds: 300,
  accountMaxLockSeconds: 60,
  failureWindowSeconds: 900,
};

/** One throttling counter an attempt reserves: its key and the policy it locks by. */
interface Counter {
  readonly key: string;
  readonly policy: LoginFailurePolicy;
}

/** What the guard answers when the password checks are saturated: try again in a second. */
const BUSY_RETRY_SECONDS = 1;

/**
 * The one entry point for password logins on every channel (`/c/login`, Basic on `/api/v2.0` and `/v2`, the token
 * service). `login(username, password, {clientAddress, channel})` counts the attempt before it checks anything:
 *
 * 1. it reserves the attempt on three counters in turn, each one atomic statement in the database (so every node
 *    sharing it counts them): the pair of account and address (`user:<name>@ip:<address>`, locking after
 *    `pairLockAfter`), the address (`ip:<address>`, after `addressLockAfter`) and the account on its own
 *    (`user:<name>`, after the much higher `accountLockAfter`, its lock capped by `accountMaxLockSeconds`). A
 *    counter that is locked refuses the reservation; then the ones before are released (the ones after are not
 *    touched) and the login is refused without
 *    checking the password: `{ok: false, reason: 'throttled', retryAfterSeconds}`. The reservation that reaches a
 *    threshold sets the lock, so of any number of concurrent attempts at most the threshold are checked;
 * 2. it checks the password with Authenticator.withPassword (users, and robot accounts named `robot$…`; the
 *    portal's `session` channel accepts users only). When the bounded password verifier is saturated, the answer
 *    is `{ok: false, reason: 'busy', retryAfterSeconds: 1}`, before any reservation (or with its reservations
 *    released), counting no failure;
 * 3. a failure keeps its reservations (they were the failure's count); every further failure past a threshold
 *    doubles that key's lock from `lockSeconds` up to its cap: `{ok: false, reason: 'invalid'}`;
 * 4. a success clears the pair's and the account's counters and releases the address's reservation (a valid login
 *    to one's own account must not unlock guessing at others): `{ok: true, ctx}`.
 *
 * So failures from one address lock the account for that address (and the address once it fails on many
 * accounts), never the owner at another address, unless failures from many addresses reach the account-wide
 * backstop. Every decision is published as an authentication event (recorded by its subscriber; never fails or delays the caller). The
 * Authenticator remembers verified passwords for a minute (clients sending Basic credentials with every request):
 * such credentials are right, so they reserve nothing and check nothing, but the three locks still refuse them.
 * Time is the clock's (`now` of every counter update is the guard's).
 */
export class LoginGuard {
  /**
   * Logins in progress by their exact credentials, address and channel: identical concurrent attempts (a client
   * sending the same Basic credentials on parallel requests) are one attempt and share its answer, so a burst of
   * right logins never counts as a burst of failures; different guesses each count.
   */
  private readonly inFlight = new Map<string, Promise<LoginResult>>();
  private readonly flightKey = randomBytes(32);
  private lastShedRecordedAt = Number.NEGATIVE_INFINITY;
  private shedSinceRecorded = 0;

  constructor(
    private readonly identity: Store,
    private readonly authenticator: Authenticator,
    private readonly events: AuthDecisionSink,
    private readonly policy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE,
    private readonly clock: Clock = systemClock,
  ) {}

  login(username: string, password: string, attempt: LoginAttempt): Promise<LoginResult> {
    const key = createHmac('sha256', this.flightKey)
      .update(`${username}\0${password}\0${attempt.clientAddress ?? ''}\0${attempt.channel}`)
      .digest('base64');
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const started = this.attempt(username, password, attempt).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  private async attempt(username: string, password: string, attempt: LoginAttempt): Promise<LoginResult> {
    const clientAddress = attempt.clientAddress ?? null;
    const { pair, address, account } = this.countersOf(username, clientAddress);
    const counters = [pair, address, account];
    const at = this.clock.now();
    const records = this.identity.loginFailures;
    const decision = { principal: username, clientAddress, channel: attempt.channel };
    const remembered = await this.authenticator.rememberedContext(username, password);
    if (remembered !== undefined && this.refusal(remembered, attempt.channel) === undefined) {
      return this.remembered(remembered, counters, at, decision);
    }
    // Saturated: refused before it costs the database anything (a flood of bogus logins stays cheap to answer).
    if (this.authenticator.saturated) return this.busy(decision, 'too many password checks in progress');
    // One after the other, stopping at a locked one: an attempt refused for its pair never counts on the address
    // or the account, so a flood from one address cannot lock the owner out elsewhere, not even for a moment.
    for (const [i, counter] of counters.entries()) {
      if (await records.reserve(counter.key, new Date(at), counter.policy)) continue;
      await this.release(counters.slice(0, i));
      const locks = await Promise.all(counters.slice(i).map((c) => records.get(c.key)));
      const lockedUntil = Math.max(...locks.map((record) => record?.lockedUntil?.getTime() ?? 0));
      this.events.record({ ...decision, outcome: 'throttled' });
      return { ok: false, reason: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil((lockedUntil - at) / 1000)) };
    }

    let ctx: SecurityContext | undefined;
    try {
      ctx = await this.authenticator.withPassword(username, password);
    } catch (error) {
      await this.release(counters);
      if (!(error instanceof PasswordCheckOverloadError)) throw error;
      return this.busy(decision, error.message);
    }
    const refusal = ctx === undefined ? 'invalid credentials' : this.refusal(ctx, attempt.channel);
    if (ctx === undefined || refusal !== undefined) {
      this.events.record({ ...decision, outcome: 'failure', reason: refusal });
      return { ok: false, reason: 'invalid' };
    }
    await Promise.all([records.reset(pair.key), records.reset(account.key), this.release([address])]);
    this.events.record({ ...decision, outcome: 'success' });
    return { ok: true, ctx: ctx as AuthenticatedContext };
  }

  /**
   * A login shed because password checks are saturated. Recorded as a throttled auth event at most once a second
   * (that event tells how many more were shed since the last one): a database write for each would make the
   * flood that saturates the checks expensive to answer after all.
   */
  private busy(decision: Pick<AuthDecision, 'principal' | 'clientAddress' | 'channel'>, reason: string): LoginResult {
    const now = this.clock.now();
    if (now - this.lastShedRecordedAt >= 1000) {
      const more = this.shedSinceRecorded > 0 ? `; ${this.shedSinceRecorded} more refused since the last one` : '';
      this.events.record({ ...decision, outcome: 'throttled', reason: `${reason}${more}` });
      this.lastShedRecordedAt = now;
      this.shedSinceRecorded = 0;
    } else {
      this.shedSinceRecorded++;
    }
    return { ok: false, reason: 'busy', retryAfterSeconds: BUSY_RETRY_SECONDS };
  }

  /**
   * Credentials the Authenticator verified in the last minute (clients sending Basic credentials with every
   * request): they are right, so no guess is checked and nothing is reserved; the locks still apply (read, not
   * counted), and the pair's and account's counters are cleared when they have failures.
   */
  private async remembered(
    ctx: SecurityContext,
    counters: readonly Counter[],
    at: number,
    decision: Pick<AuthDecision, 'principal' | 'clientAddress' | 'channel'>,
  ): Promise<LoginResult> {
    const records = await Promise.all(counters.map((c) => this.identity.loginFailures.get(c.key)));
    const lockedUntil = Math.max(...records.map((record) => record?.lockedUntil?.getTime() ?? 0));
    if (lockedUntil > at) {
      this.events.record({ ...decision, outcome: 'throttled' });
      return { ok: false, reason: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil((lockedUntil - at) / 1000)) };
    }
    const [pair, , account] = records;
    await Promise.all([
      pair && pair.failures > 0 ? this.identity.loginFailures.reset(pair.key) : undefined,
      account && account.failures > 0 ? this.identity.loginFailures.reset(account.key) : undefined,
    ]);
    this.events.record({ ...decision, outcome: 'success' });
    return { ok: true, ctx: ctx as AuthenticatedContext };
  }

  /** Why a verified account may not log in on this channel: robot accounts and personal tokens have no sessions. */
  private refusal(ctx: SecurityContext, channel: LoginChannel): string | undefined {
    if (ctx.kind === 'anonymous') return 'invalid credentials';
    if (channel === 'session' && tokenScopeOf(ctx)) return 'personal access tokens cannot open sessions';
    return channel === 'session' && ctx.kind === 'robot' ? 'robot accounts cannot open sessions' : undefined;
  }

  /** The counters of an attempt; without a client address, the pair and the address are those of `unknown`. */
  private countersOf(username: string, clientAddress: string | null): Record<'pair' | 'address' | 'account', Counter> {
    const { pairLockAfter, addressLockAfter, accountLockAfter, lockSeconds, maxLockSeconds } = this.policy;
    const policy = (lockAfter: number, maxSeconds: number): LoginFailurePolicy => ({
      windowMs: this.policy.failureWindowSeconds * 1000,
      lockAfter,
      lockMs: Math.min(lockSeconds, maxSeconds) * 1000,
      maxLockMs: maxSeconds * 1000,
    });
    const ip = `ip:${clientAddress ?? 'unknown'}`;
    return {
      pair: { key: `user:${username}@${ip}`, policy: policy(pairLockAfter, maxLockSeconds) },
      address: { key: ip, policy: policy(addressLockAfter, maxLockSeconds) },
      account: {
        key: `user:${username}`,
        policy: policy(accountLockAfter, Math.min(maxLockSeconds, this.policy.accountMaxLockSeconds)),
      },
    };
  }

  private async release(counters: readonly Counter[]): Promise<void> {
    await Promise.all(counters.map((c) => this.identity.loginFailures.release(c.key, c.policy)));
  }

  /** Removes counters whose last failure is older than the window and which are not locked (periodic job). */
  purgeStale(): Promise<number> {
    return this.identity.loginFailures.purgeBefore(
      new Date(this.clock.now() - this.policy.failureWindowSeconds * 1000),
    );
  }
}
