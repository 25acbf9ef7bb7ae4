import type { UploadService } from '../registry-core/uploads.js';
import { PeriodicJob, type JobContext } from './periodic.js';

/** Purges upload sessions untouched for `purgeAfterSeconds`, every `intervalSeconds`. */
export function uploadPurgeJob(
  uploads: UploadService,
  opts: { purgeAfterSeconds: number; intervalSeconds: number },
  ctx: JobContext,
): PeriodicJob {
  return new PeriodicJob(
    'upload-purge',
    opts.intervalSeconds,
    async (signal) => ({
      purged: await uploads.purgeStale(new Date(ctx.clock.now() - opts.purgeAfterSeconds * 1000), signal),
    }),
    ctx,
  );
}
