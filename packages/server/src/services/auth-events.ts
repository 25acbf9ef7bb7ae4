import type { Logger } from 'pino';
import type { AuthDecision as AuthDecisionEvent, EventOfType } from '../domain/events.js';
import type { EventBus } from '../events/event-bus.js';
import type { Clock } from '../ports/clock.js';
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
  /** Why a login failed (stored as the event's reason; a throttled one's as `throttled: <reason>`). */
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

const EVENT_TYPE_OF = {
  success: 'auth.login_succeeded',
  failure: 'auth.login_failed',
  throttled: 'auth.throttled',
  logout: 'auth.logout',
} as const satisfies Record<AuthDecisionOutcome, AuthDecisionEvent['type']>;

const OUTCOME_OF: Record<AuthDecisionEvent['type'], AuthDecisionOutcome> = {
  'auth.login_succeeded': 'success',
  'auth.login_failed': 'failure',
  'auth.throttled': 'throttled',
  'auth.logout': 'logout',
};

/** Where the login guard, the session routes and the API hand their authentication decisions. */
export interface AuthDecisionSink {
  record(decision: AuthDecision): void;
}

/**
 * Publishes authentication decisions as transient domain events (`auth.*`) on the event bus; recording them as
 * auth events is one subscriber (AuthEventRecorder), the audit log of a later step another.
 */
export class AuthDecisionPublisher implements AuthDecisionSink {
  constructor(
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  record(decision: AuthDecision): void {
    const { principal } = decision;
    this.bus.publish({
      type: EVENT_TYPE_OF[decision.outcome],
      principal,
      principalKind: principal === '' ? 'anonymous' : principal.startsWith(ROBOT_PREFIX) ? 'robot' : 'user',
      clientIp: decision.clientAddress,
      method: decision.method ?? DEFAULT_METHOD[decision.channel],
      channel: decision.channel,
      reason: decision.reason ?? null,
      at: this.clock.now(),
    });
  }
}

type AuthEvent = EventOfType<AuthDecisionEvent['type']>;

/**
 * Records authentication decisions as auth events (identity.authEvents) without ever failing or delaying the
 * request that made them: record() starts the write and returns; a failed write is logged and dropped.
 *
 * Clients with Basic credentials (docker, skopeo, API scripts) authenticate every request, so successes on the
 * `api`, `registry` and `token` channels are recorded at most once per minute per principal, client address and
 * channel (remembered in this process; each node records its own). Portal logins, failures, throttled attempts and
 * logouts are always recorded.
 */
export class AuthEventRecorder implements AuthDecisionSink {
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

  /** Subscribes to the bus's authentication events. */
  subscribeTo(bus: EventBus): void {
    bus.subscribe('auth-event-recorder', Object.keys(OUTCOME_OF) as AuthEvent['type'][], (event) =>
      this.record(decisionOf(event), event.at),
    );
  }

  record(decision: AuthDecision, at: number = this.now()): void {
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
        reason:
          outcome === 'logout' || (outcome === 'throttled' && decision.reason === undefined)
            ? outcome
            : outcome === 'throttled'
              ? `throttled: ${decision.reason}`
              : (decision.reason ?? null),
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

function decisionOf(event: AuthEvent): AuthDecision {
  return {
    principal: event.principal,
    clientAddress: event.clientIp,
    channel: event.channel ?? 'api',
    outcome: OUTCOME_OF[event.type],
    method: event.method,
    ...(event.reason !== null && { reason: event.reason }),
  };
}
