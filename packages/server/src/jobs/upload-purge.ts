import type { UploadService } from '../registry-core/uploads.js';
import type { JobType } from './engine.js';

/** Purges upload sessions untouched for `purgeAfterSeconds` (and orphaned upload directories). */
export function uploadPurgeJob(uploads: UploadService, opts: { purgeAfterSeconds: number }): JobType {
  return {
    name: 'UPLOAD_PURGE',
    concurrency: 1,
    run: async ({ clock, signal }) => ({
      purged: await uploads.purgeStale(new Date(clock.now() - opts.purgeAfterSeconds * 1000), signal),
    }),
  };
}
