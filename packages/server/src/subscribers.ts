import type { AuditLog } from './audit/audit-log.js';
import type { EventBus } from './events/event-bus.js';
import type { RegistryNotifier } from './notifications/registry-notifier.js';
import type { PullRecorder } from './registry-core/pull-recorder.js';
import type { AuthEventRecorder } from './services/auth-events.js';
import type { WebhookNotifier } from './webhooks/webhook-notifier.js';

/** Everything that reacts to domain events. */
export interface Subscribers {
  /** Pull counts and times for the management API (`artifact.pulled`). */
  readonly pulls: PullRecorder;
  /** Authentication decisions as auth events (`auth.*`). */
  readonly authEvents: AuthEventRecorder;
  /** Harbor's webhooks: policies' deliveries launched as jobs (artifact, tag, repository, quota, execution events). */
  readonly webhooks: WebhookNotifier;
  /** Distribution's registry notifications to the configured endpoints (manifest, blob, tag, repository events). */
  readonly notifications: RegistryNotifier;
  /** The audit log (audit/): every audited event as an audit record; absent when `audit.enabled` is off. */
  readonly audit?: AuditLog | undefined;
  /** Registry operations and job executions as Prometheus counters (metrics enabled only). */
  readonly metrics?: { subscribeTo(bus: EventBus): void } | undefined;
}

/**
 * The one registry of event subscribers: every subscriber is registered here, at start, and nowhere else. Later
 * features (audit log, webhooks, notifications, scan on push, replication triggers) add theirs to this list.
 */
export function registerSubscribers(bus: EventBus, subscribers: Subscribers): void {
  subscribers.pulls.subscribeTo(bus);
  subscribers.authEvents.subscribeTo(bus);
  subscribers.webhooks.subscribeTo(bus);
  subscribers.notifications.subscribeTo(bus);
  subscribers.audit?.subscribeTo(bus);
  subscribers.metrics?.subscribeTo(bus);
}
