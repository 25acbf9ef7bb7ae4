import type { AuthEventRecorder } from '../services/auth-events.js';
import type { LoginGuard } from '../services/login-guard.js';
import type { SessionService } from '../services/sessions.js';
import { PeriodicJob, type JobContext } from './periodic.js';

/**
 * Removes expired sessions, failed-login counters that neither count nor lock any more, and authentication events
 * past their retention, every `intervalSeconds`.
 */
export function authPurgeJob(
  sessions: SessionService,
  guard: LoginGuard,
  events: AuthEventRecorder,
  opts: { intervalSeconds: number },
  ctx: JobContext,
): PeriodicJob {
  return new PeriodicJob(
    'auth-purge',
    opts.intervalSeconds,
    async () => ({
      sessions: await sessions.purgeExpired(),
      loginFailures: await guard.purgeStale(),
      authEvents: await events.purgeExpired(),
    }),
    ctx,
  );
}
