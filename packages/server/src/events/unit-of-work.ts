import { DomainError } from '../domain/errors.js';
import type { DomainEvent, DomainEventBody, Operator } from '../domain/events.js';
import { TRANSIENT_EVENT_TYPES } from '../domain/events.js';
import type { Clock } from '../ports/clock.js';
import type { Store, StoreRecords } from '../ports/store.js';

/** Records an event of the unit of work; it is stored with the change and delivered after commit. */
export type Emit = (event: DomainEventBody, by?: Operator) => void;

/** What a unit of work hands its body: the transaction's records and the way to record events. */
export interface Work {
  readonly tx: StoreRecords;
  readonly emit: Emit;
}

/** Told after a unit of work that recorded events committed (the outbox relay, which then delivers them). */
export interface CommitListener {
  committed(): void;
}

/**
 * One unit of work: a transaction over the store in which the change and the events describing it are written
 * together (the outbox). Nothing is recorded for a change that rolls back; a committed change's events are
 * delivered by the relay even when the process dies right after the commit.
 */
export class UnitOfWork {
  private listener: CommitListener | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** The relay to wake after commits (set once at start). */
  onCommit(listener: CommitListener): void {
    this.listener = listener;
  }

  async run<T>(body: (work: Work) => Promise<T>): Promise<T> {
    const events: DomainEvent[] = [];
    const emit: Emit = (event, by) => {
      if (TRANSIENT_EVENT_TYPES.has(event.type)) throw new Error(`${event.type} events are transient, not recorded`);
      events.push({ ...event, at: this.clock.now(), ...(by && { by }) });
    };
    let result: T;
    try {
      result = await this.store.transaction(async (tx) => {
        const value = await body({ tx, emit });
        if (events.length > 0) await tx.outbox.append(events);
        return value;
      });
    } catch (err) {
      if (err instanceof DomainError && err.recordAfterRollback?.length)
        await this.recordRefusal(err.recordAfterRollback);
      throw err;
    }
    if (events.length > 0) this.listener?.committed();
    return result;
  }

  /** Records a refused change's events (DomainError.recordAfterRollback) in a transaction of their own. */
  private async recordRefusal(refusal: NonNullable<DomainError['recordAfterRollback']>): Promise<void> {
    const at = this.clock.now();
    await this.store.transaction((tx) =>
      tx.outbox.append(refusal.map(({ event, by }) => ({ ...event, at, ...(by && { by }) }))),
    );
    this.listener?.committed();
  }
}
