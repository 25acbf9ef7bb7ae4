import type { Logger } from 'pino';
import type { AuthEventRecorder } from '../services/auth-events.js';
import type { LoginGuard } from '../services/login-guard.js';
import type { SessionService } from '../services/sessions.js';
import { PeriodicJob } from './periodic.js';

/**
 * Removes expired sessions, failed-login counters that neither count nor lock any more, and authentication events
 * past their retention, every `intervalSeconds`.
 */
export function authPurgeJob(
  sessions: SessionService,
  guard: LoginGuard,
  events: AuthEventRecorder,
  opts: { intervalSeconds: number },
  log: Logger,
): PeriodicJob {
  return new PeriodicJob(
    'auth-purge',
    opts.intervalSeconds,
    async () => ({
      sessions: await sessions.purgeExpired(),
      loginFailures: await guard.purgeStale(),
      authEvents: await events.purgeExpired(),
    }),
    log,
  );
}
