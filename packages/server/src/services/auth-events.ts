import type { Logger } from 'pino';
import type { AuthChannel, AuthEventRecords, AuthMethod } from '../ports/identity-store.js';
import { ROBOT_PREFIX } from './authenticator.js';

/** What happened: a login that worked or did not, one refused without checking (throttled), or a logout. */
export type AuthDecisionOutcome = 'success' | 'failure' | 'throttled' | 'logout';

/** One authentication decision as the guard, the session routes and the API see it. */
export interface AuthDecision {
  /** The claimed username or robot name; empty when none was given. */
  readonly principal: string;
  readonly clientAddress: string | null;
  readonly channel: AuthChannel;
  readonly outcome: AuthDecisionOutcome;
  /** Why a login failed (stored as the event's reason). */
  readonly reason?: string;
  /** How the credentials came; by default `session` on the session channel, `token` on the token one, else `basic`. */
  readonly method?: AuthMethod;
}

export interface AuthEventRecorderOptions {
  /** A success of the same principal, address and channel is recorded at most once per this many ms. */
  readonly successIntervalMs?: number;
  /** Writes in flight beyond this are dropped (and counted in the log) rather than queued without bound. */
  readonly maxPending?: number;
  /** Events older than this are removed by `purgeExpired` (the auth purge job); 0 keeps them for ever. */
  readonly retentionSeconds?: number;
  readonly now?: () => number;
}

const DEFAULT_METHOD: Record<AuthChannel, AuthMethod> = {
  session: 'session',
  api: 'basic',
  registry: 'basic',
  token: 'token',
};

const REMEMBERED_SUCCESSES = 10_000;

/**
 * Records authentication decisions as auth events (identity.authEvents) without ever failing or delaying the
 * request that made them: record() starts the write and returns; a failed write is logged and dropped.
 *
 * Clients with Basic credentials (docker, skopeo, API scripts) authenticate every request, so successes on the
 * `api`, `registry` and `token` channels are recorded at most once per minute per principal, client address and
 * channel (remembered in this process; each node records its own). Portal logins, failures, throttled attempts and
 * logouts are always recorded.
 */
export class AuthEventRecorder {
  private readonly pending = new Set<Promise<void>>();
  private readonly lastSuccess = new Map<string, number>();
  private readonly successIntervalMs: number;
  private readonly maxPending: number;
  private readonly now: () => number;
  private readonly retentionMs: number;
  private dropped = 0;

  constructor(
    private readonly events: AuthEventRecords,
    private readonly log: Logger,
    opts: AuthEventRecorderOptions = {},
  ) {
    this.successIntervalMs = opts.successIntervalMs ?? 60_000;
    this.maxPending = opts.maxPending ?? 1000;
    this.now = opts.now ?? Date.now;
    this.retentionMs = (opts.retentionSeconds ?? 0) * 1000;
  }

  /** Deletes the events older than the retention period (none when it is 0); returns how many. */
  async purgeExpired(): Promise<number> {
    if (this.retentionMs <= 0) return 0;
    return this.events.purgeBefore(new Date(this.now() - this.retentionMs));
  }

  record(decision: AuthDecision): void {
    const at = this.now();
    if (decision.outcome === 'success' && decision.channel !== 'session' && this.recentlyRecorded(decision, at)) {
      return;
    }
    if (this.pending.size >= this.maxPending) {
      this.dropped++;
      if (this.dropped === 1 || this.dropped % 1000 === 0) {
        this.log.warn({ dropped: this.dropped }, 'auth events dropped: too many writes in flight');
      }
      return;
    }
    const write = this.write(decision, at).finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Resolves once every write started so far has ended, or after `timeoutMs` (shutdown must not hang on one). */
  async flush(timeoutMs = Infinity): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        if (Number.isFinite(left)) timer = setTimeout(resolve, left);
      });
      await Promise.race([Promise.all([...this.pending]), ...(Number.isFinite(left) ? [timeout] : [])]);
      clearTimeout(timer);
    }
  }

  private async write(decision: AuthDecision, at: number): Promise<void> {
    const { principal, outcome } = decision;
    try {
      await this.events.record({
        at: new Date(at),
        principal,
        principalKind: principal === '' ? 'anonymous' : principal.startsWith(ROBOT_PREFIX) ? 'robot' : 'user',
        clientIp: decision.clientAddress,
        method: decision.method ?? DEFAULT_METHOD[decision.channel],
        channel: decision.channel,
        outcome: outcome === 'success' || outcome === 'logout' ? 'success' : 'failure',
        reason: outcome === 'throttled' || outcome === 'logout' ? outcome : (decision.reason ?? null),
      });
    } catch (err) {
      this.log.error({ err, principal, channel: decision.channel, outcome }, 'could not record an auth event');
    }
  }

  private recentlyRecorded(decision: AuthDecision, at: number): boolean {
    const key = `${decision.channel}\0${decision.principal}\0${decision.clientAddress ?? ''}`;
    const last = this.lastSuccess.get(key);
    if (last !== undefined && at - last < this.successIntervalMs) return true;
    this.lastSuccess.delete(key);
    this.lastSuccess.set(key, at);
    if (this.lastSuccess.size > REMEMBERED_SUCCESSES) {
      const oldest = this.lastSuccess.keys().next();
      if (!oldest.done) this.lastSuccess.delete(oldest.value);
    }
    return false;
  }
}
