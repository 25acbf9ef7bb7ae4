import type { AuthEventRecorder } from '../services/auth-events.js';
import type { LoginGuard } from '../services/login-guard.js';
import type { SessionService } from '../services/sessions.js';
import type { JobType } from './engine.js';

/**
 * Removes expired sessions, failed-login counters that neither count nor lock any more, authentication events
 * past their retention, and expired password reset links.
 */
export function authPurgeJob(
  sessions: SessionService,
  guard: LoginGuard,
  events: AuthEventRecorder,
  resets?: { purgeExpired(): Promise<number> },
): JobType {
  return {
    name: 'AUTH_PURGE',
    concurrency: 1,
    run: async () => ({
      sessions: await sessions.purgeExpired(),
      loginFailures: await guard.purgeStale(),
      authEvents: await events.purgeExpired(),
      ...(resets && { passwordResets: await resets.purgeExpired() }),
    }),
  };
}
