import type { NotificationEndpointOptions } from './endpoint-queue.js';

/** The `notifications` section of the configuration, as far as the notifier needs it (durations in seconds). */
export interface NotificationsSection {
  readonly maxPending: number;
  readonly endpoints: readonly {
    readonly name: string;
    readonly url: string;
    readonly headers: NotificationEndpointOptions['headers'];
    readonly timeout: number;
    readonly threshold: number;
    readonly backoff: number;
    readonly ignoredmediatypes: readonly string[];
    readonly ignore: {
      readonly mediatypes: readonly string[];
      readonly actions: NotificationEndpointOptions['ignoredActions'];
    };
    readonly disabled: boolean;
  }[];
}

/** `notifications.endpoints` in the notifier's terms (durations in milliseconds, both ignore lists merged). */
export function notificationEndpoints(section: NotificationsSection): NotificationEndpointOptions[] {
  return section.endpoints.map((endpoint) => ({
    name: endpoint.name,
    url: endpoint.url,
    headers: endpoint.headers,
    timeoutMs: Math.round(endpoint.timeout * 1000),
    threshold: endpoint.threshold,
    backoffMs: Math.round(endpoint.backoff * 1000),
    ignoredMediaTypes: [...new Set([...endpoint.ignoredmediatypes, ...endpoint.ignore.mediatypes])],
    ignoredActions: endpoint.ignore.actions,
    disabled: endpoint.disabled,
    maxPending: section.maxPending,
  }));
}
