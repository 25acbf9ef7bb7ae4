import type { WharfConfig } from './config/index.js';
import { authPurgeJob } from './jobs/auth-purge.js';
import { outboxPurgeJob } from './jobs/outbox-purge.js';
import type { SystemJob } from './jobs/system-jobs.js';
import { uploadPurgeJob } from './jobs/upload-purge.js';
import type { Store } from './ports/store.js';
import type { UploadService } from './registry-core/uploads.js';
import type { AuthEventRecorder } from './services/auth-events.js';
import type { LoginGuard } from './services/login-guard.js';
import type { SessionService } from './services/sessions.js';
import { tagHistoryPurgeJob } from './tag-history/tag-history-purge.js';

/** What the authentication purge removes: ended sessions, stale login counters, old auth events, used resets. */
export interface AuthPurges {
  readonly sessions: SessionService;
  readonly guard: LoginGuard;
  readonly authEvents: AuthEventRecorder;
  readonly passwordReset: { purgeExpired(): Promise<number> };
}

/** The system's own periodic jobs (no administrator schedules them), each at its configured interval. */
export function systemJobsOf(
  config: Readonly<WharfConfig>,
  store: Store,
  uploads: UploadService,
  purges: AuthPurges,
): SystemJob[] {
  return [
    {
      type: uploadPurgeJob(uploads, { purgeAfterSeconds: config.uploads.purgeAfter }),
      intervalSeconds: config.uploads.purgeInterval,
    },
    {
      type: authPurgeJob(purges.sessions, purges.guard, purges.authEvents, purges.passwordReset),
      intervalSeconds: config.sessions.purgeInterval,
    },
    {
      type: outboxPurgeJob(store, { retentionSeconds: config.events.retention }),
      intervalSeconds: config.events.purgeInterval,
    },
    {
      type: tagHistoryPurgeJob(store, { restoreWindowSeconds: config.tags.restoreWindow }),
      intervalSeconds: config.tags.purgeInterval,
    },
  ];
}
