import type { Logger } from 'pino';
import type { RateLimitCounters } from '../ports/rate-limits.js';
import type { Principal, RateLimitPolicy, RouteClass } from './settings.js';

/** A request over its limit: how long until the window ends, and what the limit was (for the message). */
export interface RateLimitRefusal {
  readonly retryAfterSeconds: number;
  readonly requests: number;
  readonly windowSeconds: number;
  readonly principal: Principal;
}

/** Who is counted: an account's name (a user or `robot$…`), or the client address of an anonymous request. */
export interface Counted {
  readonly account?: string | undefined;
  readonly address: string;
}

/** How often, at most, a failing store is reported. */
const WARN_INTERVAL_MS = 10_000;

/**
 * Decides whether a request is within its limits: exempt addresses and principals pass uncounted; the others are
 * counted under their class's rule, an account under `authenticated`, an address under `anonymous`. When the
 * counters fail (Redis down) the request passes: a registry must not stop because its limiter's store did. One
 * warning every ten seconds says how many passed uncounted.
 */
export class RateLimiter {
  private uncounted = 0;
  private lastWarning = 0;

  constructor(
    private readonly counters: RateLimitCounters,
    private readonly policy: RateLimitPolicy,
    private readonly log: Pick<Logger, 'warn'>,
    /** Paces the warnings only; the windows are the counters' own. */
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request; undefined: allowed. */
  async check(routeClass: RouteClass, who: Counted): Promise<RateLimitRefusal | undefined> {
    const account = who.account === '' ? undefined : who.account;
    const principal: Principal = account === undefined ? 'anonymous' : 'authenticated';
    const rule = this.policy.rule(routeClass, principal);
    if (!rule || this.policy.isExemptAddress(who.address)) return undefined;
    if (account !== undefined && this.policy.isExemptPrincipal(account)) return undefined;
    try {
      const decision = await this.counters.consume(rule, account === undefined ? `ip:${who.address}` : `a:${account}`);
      if (decision.allowed) return undefined;
      return {
        retryAfterSeconds: Math.max(1, Math.ceil(decision.resetMs / 1000)),
        requests: rule.requests,
        windowSeconds: rule.windowSeconds,
        principal,
      };
    } catch (error) {
      this.failedOpen(error);
      return undefined;
    }
  }

  close(): Promise<void> {
    return this.counters.close();
  }

  private failedOpen(error: unknown): void {
    this.uncounted++;
    const now = this.now();
    if (now - this.lastWarning < WARN_INTERVAL_MS) return;
    this.lastWarning = now;
    this.log.warn(
      { err: error, uncounted: this.uncounted },
      'rate limit counters unavailable: requests pass without being counted',
    );
    this.uncounted = 0;
  }
}

/** The refusal's message: which limit, for whom, and when to come back. */
export function refusalMessage(routeClass: RouteClass, refusal: RateLimitRefusal): string {
  const whom = refusal.principal === 'authenticated' ? 'per account' : 'per client address';
  return (
    `rate limit exceeded: at most ${refusal.requests} ${routeClass} requests every ${refusal.windowSeconds}s ` +
    `${whom}; retry after ${refusal.retryAfterSeconds}s`
  );
}
