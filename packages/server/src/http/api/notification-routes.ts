import type { FastifyInstance } from 'fastify';
import type { NotificationStatusService } from '../../notifications/notification-status.js';
import { securityOf } from './security.js';

function time(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** GET /system/notifications: the registry notification endpoints and their queues (a Wharf extension). */
export function registerNotificationRoutes(api: FastifyInstance, notifications: NotificationStatusService): void {
  api.get('/system/notifications', (req, reply) =>
    reply.send({
      endpoints: notifications.endpoints(securityOf(req)).map((e) => ({
        name: e.name,
        url: e.url,
        disabled: e.disabled,
        pending: e.pending,
        events: e.events,
        successes: e.successes,
        failures: e.failures,
        errors: e.errors,
        dropped: e.dropped,
        statuses: e.statuses,
        consecutive_failures: e.consecutiveFailures,
        last_error: e.lastError,
        last_success_time: time(e.lastSuccessAt),
        last_failure_time: time(e.lastFailureAt),
      })),
    }),
  );
}
