import type { Logger } from 'pino';
import type { UploadService } from '../registry-core/uploads.js';
import { PeriodicJob } from './periodic.js';

/** Purges upload sessions untouched for `purgeAfterSeconds`, every `intervalSeconds`. */
export function uploadPurgeJob(
  uploads: UploadService,
  opts: { purgeAfterSeconds: number; intervalSeconds: number },
  log: Logger,
): PeriodicJob {
  return new PeriodicJob(
    'upload-purge',
    opts.intervalSeconds,
    async () => ({ purged: await uploads.purgeStale(new Date(Date.now() - opts.purgeAfterSeconds * 1000)) }),
    log,
  );
}
