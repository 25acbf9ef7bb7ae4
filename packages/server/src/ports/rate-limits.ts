/** How many requests one key may make per window. */
export interface RateRule {
  /** Names the counters of this rule (`pull.authenticated`, …): keys of different rules never share a count. */
  readonly name: string;
  /** Requests allowed per window (at least 1). */
  readonly requests: number;
  /** The window in whole seconds (at least 1); the count starts at a key's first request and ends with the window. */
  readonly windowSeconds: number;
}

/** What counting one request decided. */
export interface RateDecision {
  readonly allowed: boolean;
  /** Requests the key may still make in this window. */
  readonly remaining: number;
  /** Milliseconds until the key's window ends (and its count starts over). */
  readonly resetMs: number;
}

/** The store could not count (Redis unreachable): the caller decides what to do (Wharf lets the request through). */
export class RateLimitStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RateLimitStoreError';
  }
}

/**
 * Request counters of the rate limits (`rate-limits/`): one fixed window per rule and key, counted atomically, so
 * that every process or node sharing the store counts each request once. Adapters: in-memory (one process) and
 * Redis (shared), both over rate-limiter-flexible; `adapters/rate-limits/rate-limit-counters.suite.ts` specifies them.
 */
export interface RateLimitCounters {
  /** Counts one request of `key` under `rule`; throws RateLimitStoreError when the store cannot answer. */
  consume(rule: RateRule, key: string): Promise<RateDecision>;
  /** Stops timers and connections the counters own. */
  close(): Promise<void>;
}
