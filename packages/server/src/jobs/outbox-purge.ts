import type { Store } from '../ports/store.js';
import { PeriodicJob, type JobContext } from './periodic.js';

/** Removes delivered and failed domain events older than `retentionSeconds` from the outbox. */
export function outboxPurgeJob(
  store: Store,
  opts: { retentionSeconds: number; intervalSeconds: number },
  ctx: JobContext,
): PeriodicJob {
  return new PeriodicJob(
    'outbox-purge',
    opts.intervalSeconds,
    async () => ({ events: await store.outbox.purge(new Date(ctx.clock.now() - opts.retentionSeconds * 1000)) }),
    ctx,
  );
}
