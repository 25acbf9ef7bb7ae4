import { memoryRateLimitCounters } from './memory-rate-limits.js';
import { describeRateLimitCounters } from './rate-limit-counters.suite.js';

describeRateLimitCounters(
  'in memory',
  () => {
    const counters = memoryRateLimitCounters();
    return Promise.resolve({ counters, dispose: () => counters.close() });
  },
  { shared: false },
);
