import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { RateLimitCounters } from '../../ports/rate-limits.js';
import { FlexibleCounters } from './flexible-counters.js';

/** Counters in this process's memory (rate-limiter-flexible's RateLimiterMemory): one process counts alone. */
export function memoryRateLimitCounters(): RateLimitCounters {
  return new FlexibleCounters(
    (rule, keyPrefix) => new RateLimiterMemory({ points: rule.requests, duration: rule.windowSeconds, keyPrefix }),
    '',
  );
}
