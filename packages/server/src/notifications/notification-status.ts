import type { SecurityContext } from '../services/authenticator.js';
import { authorize } from '../services/project-access.js';
import type { EndpointStatus } from './endpoint-queue.js';

/** Where the endpoints' state comes from (the notifier). */
export interface NotificationStatusSource {
  status(): EndpointStatus[];
}

/**
 * The registry notification endpoints' queues for the status page (a Wharf extension). The endpoints are part of the
 * configuration file, so reading them needs the system resource `configuration` with `read`, as the configuration
 * does: system administrators (a system robot may be granted it).
 */
export class NotificationStatusService {
  constructor(private readonly source: NotificationStatusSource) {}

  endpoints(ctx: SecurityContext): EndpointStatus[] {
    authorize(ctx, undefined, 'configuration', 'read');
    return this.source.status();
  }
}
