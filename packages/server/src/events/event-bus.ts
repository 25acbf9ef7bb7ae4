import type { DomainEvent, DomainEventType, EventOfType } from '../domain/events.js';

/** Receives events of the types it subscribed to. A subscriber of outbox events may see one twice (at least once). */
export type EventHandler<E extends DomainEvent = DomainEvent> = (event: E) => void | Promise<void>;

interface Subscription {
  readonly name: string;
  readonly handler: EventHandler;
}

/** Told when a subscriber fails; the bus itself never throws at the publisher. */
export type SubscriberErrorHandler = (error: unknown, subscriber: string, event: DomainEvent) => void;

/**
 * The one registry of subscribers. Outbox events (everything but TRANSIENT_EVENT_TYPES) reach it through the outbox
 * relay after their transaction committed; transient events (pulls, authentication decisions) are published here
 * directly by the code that observes them and delivered at once, in-process, without a database write on the
 * caller's path. Subscribers are registered at start (the composition root's subscribers list), by name.
 */
export class EventBus {
  private readonly byType = new Map<DomainEventType, Subscription[]>();
  private readonly names = new Set<string>();

  constructor(private readonly onError: SubscriberErrorHandler) {}

  /** Subscribes `handler` to the events of `types`. Names are unique: they identify the subscriber in logs. */
  subscribe<T extends DomainEventType>(name: string, types: readonly T[], handler: EventHandler<EventOfType<T>>): void {
    if (this.names.has(name)) throw new Error(`an event subscriber named ${name} is registered already`);
    this.names.add(name);
    for (const type of types) {
      const list = this.byType.get(type) ?? [];
      list.push({ name, handler: handler as EventHandler });
      this.byType.set(type, list);
    }
  }

  /** Whether anybody listens to `type` (publishers of costly events may skip building them). */
  hasSubscribers(type: DomainEventType): boolean {
    return (this.byType.get(type)?.length ?? 0) > 0;
  }

  /**
   * Hands a transient event to its subscribers without waiting for them: synchronous handlers run now, promises are
   * left to finish on their own. Failures go to the error handler, never to the publisher.
   */
  publish(event: DomainEvent): void {
    const subscriptions = this.byType.get(event.type);
    if (!subscriptions) return;
    for (const { name, handler } of subscriptions) {
      try {
        const result = handler(event);
        if (result instanceof Promise) result.catch((error: unknown) => this.onError(error, name, event));
      } catch (error) {
        this.onError(error, name, event);
      }
    }
  }

  /**
   * Delivers a committed event to every subscriber and waits for them; rejects with the first failure after all ran,
   * so the relay retries the event (subscribers must tolerate a repeat).
   */
  async deliver(event: DomainEvent): Promise<void> {
    const subscriptions = this.byType.get(event.type);
    if (!subscriptions) return;
    const failures: unknown[] = [];
    for (const { name, handler } of subscriptions) {
      try {
        await handler(event);
      } catch (error) {
        this.onError(error, name, event);
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}
