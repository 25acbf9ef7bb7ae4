import type { Operator } from '../domain/events.js';
import type { EventBus } from '../events/event-bus.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { PolicyChain } from './policies.js';

/** What every service of the registry core is built from. */
export interface CoreDependencies {
  readonly store: Store;
  readonly storage: BlobStore;
  /** Transactions that record their domain events (the outbox). */
  readonly work: UnitOfWork;
  /** Where transient events (pulls) are published. */
  readonly bus: EventBus;
  /** Consulted before every change and every pull. */
  readonly policies: PolicyChain;
  readonly clock: Clock;
  /**
   * How long a deleted or moved tag, or a deleted artifact, can be restored (`tags.restoreWindow`, ms); 0 or absent:
   * no tag history is recorded.
   */
  readonly restoreWindowMs?: number;
}

/** Who asks the core for a change; the operator of the events it records. Omitted: nobody in particular. */
export interface Actor {
  readonly by?: Operator | undefined;
}
