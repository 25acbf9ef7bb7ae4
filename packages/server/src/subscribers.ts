import type { EventBus } from './events/event-bus.js';
import type { PullRecorder } from './registry-core/pull-recorder.js';
import type { AuthEventRecorder } from './services/auth-events.js';

/** Everything that reacts to domain events. */
export interface Subscribers {
  /** Pull counts and times for the management API (`artifact.pulled`). */
  readonly pulls: PullRecorder;
  /** Authentication decisions as auth events (`auth.*`). */
  readonly authEvents: AuthEventRecorder;
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
  subscribers.metrics?.subscribeTo(bus);
}
