import type { Logger } from 'pino';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { PeriodicJob } from './periodic.js';

/** Removes delivered and failed domain events older than `retentionSeconds` from the outbox. */
export function outboxPurgeJob(
  store: Store,
  clock: Clock,
  opts: { retentionSeconds: number; intervalSeconds: number },
  log: Logger,
): PeriodicJob {
  return new PeriodicJob(
    'outbox-purge',
    opts.intervalSeconds,
    async () => ({ events: await store.outbox.purge(new Date(clock.now() - opts.retentionSeconds * 1000)) }),
    log,
  );
}
