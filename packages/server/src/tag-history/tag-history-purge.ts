import type { JobType } from '../jobs/engine.js';
import type { Store } from '../ports/store.js';

/**
 * Deletes tag history entries that expired (their holds go with them, so garbage collection may take the content),
 * all of them when the restore window is 0 (tag history turned off).
 */
export function tagHistoryPurgeJob(store: Store, opts: { restoreWindowSeconds: number }): JobType {
  return {
    name: 'TAG_HISTORY_PURGE',
    concurrency: 1,
    run: async ({ clock }) => ({
      entries: await store.tagHistory.purge(opts.restoreWindowSeconds > 0 ? clock.now() : Number.MAX_SAFE_INTEGER),
    }),
  };
}
