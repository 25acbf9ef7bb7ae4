import type { Store } from '../ports/store.js';
import type { JobType } from './engine.js';

/** Removes delivered and failed domain events older than `retentionSeconds` from the outbox. */
export function outboxPurgeJob(store: Store, opts: { retentionSeconds: number }): JobType {
  return {
    name: 'OUTBOX_PURGE',
    concurrency: 1,
    run: async ({ clock }) => ({
      events: await store.outbox.purge(new Date(clock.now() - opts.retentionSeconds * 1000)),
    }),
  };
}
