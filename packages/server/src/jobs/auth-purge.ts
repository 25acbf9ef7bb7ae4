import type { LoginGuard } from '../services/login-guard.js';
import type { SessionService } from '../services/sessions.js';
import { PeriodicJob, type JobContext } from './periodic.js';

/** Removes expired sessions and failed-login counters that neither count nor lock any more, every `intervalSeconds`. */
export function authPurgeJob(
  sessions: SessionService,
  guard: LoginGuard,
  opts: { intervalSeconds: number },
  ctx: JobContext,
): PeriodicJob {
  return new PeriodicJob(
    'auth-purge',
    opts.intervalSeconds,
    async () => ({ sessions: await sessions.purgeExpired(), loginFailures: await guard.purgeStale() }),
    ctx,
  );
}
