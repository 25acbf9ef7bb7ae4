import type { EventBus } from '../events/event-bus.js';
import {
  EndpointQueue,
  type EndpointQueueDependencies,
  type EndpointStatus,
  type NotificationEndpointOptions,
} from './endpoint-queue.js';
import {
  NOTIFIED_EVENT_TYPES,
  PULL_EVENT_TYPES,
  toNotification,
  referencesIn,
  type EnvelopeSource,
  type NotificationEvent,
  type NotifiedEvent,
} from './envelope.js';

export interface NotifierOptions {
  /** Manifest push and pull events list the manifest's references (`notifications.events.includereferences`). */
  readonly includeReferences?: boolean;
  /** A manifest's content by digest (the registry core's content cache), for its references. */
  readonly manifestContent?: (digest: string) => Promise<Buffer>;
}

/**
 * Distribution's registry notifications: every endpoint of `notifications.endpoints` receives distribution's
 * envelopes for pushes, pulls, deletes and mounts of manifests and blobs (and tag and repository deletes), through
 * its own in-memory queue with retries and backoff. A subscriber of the event bus: changes reach it from the outbox
 * after commit (at least once: a repeat carries the same event id), pulls as transient events; it subscribes to
 * pulls only when an enabled endpoint wants them, so pulls cost nothing otherwise.
 */
export class RegistryNotifier {
  private readonly endpoints: EndpointQueue[];

  constructor(
    endpoints: readonly NotificationEndpointOptions[],
    private readonly source: EnvelopeSource,
    deps: EndpointQueueDependencies,
    private readonly opts: NotifierOptions = {},
  ) {
    this.endpoints = endpoints.map((options) => new EndpointQueue(options, deps));
  }

  subscribeTo(bus: EventBus): void {
    const active = this.endpoints.filter((e) => !e.options.disabled);
    if (active.length === 0) return;
    const wantsPulls = active.some((e) => e.wantsAction('pull'));
    const types = NOTIFIED_EVENT_TYPES.filter(
      (type) => wantsPulls || !(PULL_EVENT_TYPES as readonly string[]).includes(type),
    );
    bus.subscribe('registry-notifications', types, (event) => this.notify(event));
  }

  /** Queues the event's notification at every endpoint that wants it; never waits for a delivery. */
  notify(event: NotifiedEvent): void | Promise<void> {
    const notification = toNotification(event, this.source);
    const { includeReferences, manifestContent } = this.opts;
    if (
      includeReferences &&
      manifestContent &&
      (event.type === 'artifact.pushed' || event.type === 'artifact.pulled')
    ) {
      // One content read (usually the core's cache) before queueing; without content, the event goes without them.
      return manifestContent(event.digest).then(
        (content) =>
          this.enqueue({ ...notification, target: { ...notification.target, references: referencesIn(content) } }),
        () => this.enqueue(notification),
      );
    }
    this.enqueue(notification);
  }

  private enqueue(notification: NotificationEvent): void {
    for (const endpoint of this.endpoints) endpoint.enqueue(notification);
  }

  /** Every configured endpoint's queue and counters, in configuration order. */
  status(): EndpointStatus[] {
    return this.endpoints.map((e) => e.status());
  }

  /** Resolves once every queue is empty: for tests. */
  async settled(): Promise<void> {
    await Promise.all(this.endpoints.map((e) => e.settled()));
  }

  /** Stops every queue (at shutdown); unsent events are lost, as in distribution. */
  async close(): Promise<void> {
    await Promise.all(this.endpoints.map((e) => e.close()));
  }
}
