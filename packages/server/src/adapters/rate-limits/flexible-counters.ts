import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import {
  RateLimitStoreError,
  type RateDecision,
  type RateLimitCounters,
  type RateRule,
} from '../../ports/rate-limits.js';

/** Builds the library's limiter of one rule (its points, duration and key prefix). */
export type LimiterFactory = (rule: RateRule, keyPrefix: string) => RateLimiterAbstract;

/**
 * The counters over rate-limiter-flexible, whatever its store: one limiter per rule (the library fixes points and
 * duration per limiter), made on first use. The library resolves a counted request, rejects a refused one with its
 * `RateLimiterRes`, and rejects with an Error when the store fails; the last becomes RateLimitStoreError.
 */
export class FlexibleCounters implements RateLimitCounters {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    private readonly create: LimiterFactory,
    private readonly keyPrefix: string,
    private readonly onClose: () => Promise<void> = () => Promise.resolve(),
  ) {}

  async consume(rule: RateRule, key: string): Promise<RateDecision> {
    // The limit and window are part of the key: a changed rule counts afresh on every store alike.
    const id = `${rule.name}:${rule.requests}/${rule.windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) this.limiters.set(id, (limiter = this.create(rule, `${this.keyPrefix}${id}`)));
    try {
      const res = await limiter.consume(key);
      return { allowed: true, remaining: res.remainingPoints, resetMs: res.msBeforeNext };
    } catch (error) {
      if (error instanceof RateLimiterRes) return { allowed: false, remaining: 0, resetMs: error.msBeforeNext };
      throw new RateLimitStoreError(`rate limit counters unavailable: ${(error as Error).message}`, { cause: error });
    }
  }

  close(): Promise<void> {
    this.limiters.clear();
    return this.onClose();
  }
}
