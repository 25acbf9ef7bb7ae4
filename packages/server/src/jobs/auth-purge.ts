import type { AuthEventRecorder } from '../services/auth-events.js';
import type { LoginGuard } from '../services/login-guard.js';
import type { SessionService } from '../services/sessions.js';
import type { JobType } from './engine.js';

/**
 * Removes expired sessions, failed-login counters that neither count nor lock any more, and authentication events
 * past their retention.
 */
export function authPurgeJob(sessions: SessionService, guard: LoginGuard, events: AuthEventRecorder): JobType {
  return {
    name: 'AUTH_PURGE',
    concurrency: 1,
    run: async () => ({
      sessions: await sessions.purgeExpired(),
      loginFailures: await guard.purgeStale(),
      authEvents: await events.purgeExpired(),
    }),
  };
}
