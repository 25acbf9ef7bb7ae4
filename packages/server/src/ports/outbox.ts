import type { DomainEvent } from '../domain/events.js';

/** A recorded event and its place in the outbox. */
export interface OutboxEntry {
  /** Increases with every recorded event; subscribers see events of one relay in this order. */
  readonly id: number;
  readonly event: DomainEvent;
  /** Delivery attempts made so far. */
  readonly attempts: number;
}

/**
 * The outbox: events recorded in the same transaction as the change they describe, so that a rolled-back change
 * leaves none and a committed one cannot lose its events. A relay (events/outbox-relay.ts) claims undelivered
 * events, hands them to the subscribers after commit, and marks them delivered. Claims expire, so events claimed by
 * a process that died are claimed again by another (at-least-once delivery).
 */
export interface OutboxRecords {
  /** Records events (inside the transaction of the change). */
  append(events: readonly DomainEvent[]): Promise<void>;
  /**
   * Claims up to `limit` undelivered events, oldest first, that nobody holds (or whose claim expired before `now`),
   * for `holder` until `until`; atomic, so that two relays never claim the same event at once.
   */
  claim(holder: string, now: Date, until: Date, limit: number): Promise<OutboxEntry[]>;
  /** Marks events delivered (they are kept until purged, for inspection). */
  markDelivered(ids: readonly number[], at: Date): Promise<void>;
  /** Releases a claimed event for a later attempt, not before `retryAt`, recording the failure. */
  release(id: number, retryAt: Date, error: string): Promise<void>;
  /** Gives up on an event after too many attempts: it is marked failed (with `error`) and not claimed again. */
  fail(id: number, at: Date, error: string): Promise<void>;
  /** How many events are waiting for delivery. */
  pendingCount(): Promise<number>;
  /** Deletes delivered or failed events older than `before`; returns how many. */
  purge(before: Date): Promise<number>;
}
