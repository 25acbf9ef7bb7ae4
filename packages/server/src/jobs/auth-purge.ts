import type { Logger } from 'pino';
import type { LoginGuard } from '../services/login-guard.js';
import type { SessionService } from '../services/sessions.js';
import { PeriodicJob } from './periodic.js';

/** Removes expired sessions and failed-login counters that neither count nor lock any more, every `intervalSeconds`. */
export function authPurgeJob(
  sessions: SessionService,
  guard: LoginGuard,
  opts: { intervalSeconds: number },
  log: Logger,
): PeriodicJob {
  return new PeriodicJob(
    'auth-purge',
    opts.intervalSeconds,
    async () => ({ sessions: await sessions.purgeExpired(), loginFailures: await guard.purgeStale() }),
    log,
  );
}
