import { randomUUID } from 'node:crypto';
import type { Clock } from '../ports/clock.js';
import type { OutboxEntry } from '../ports/outbox.js';
import type { Store } from '../ports/store.js';
import type { EventBus } from './event-bus.js';
import type { CommitListener } from './unit-of-work.js';

export interface OutboxRelayOptions {
  /** Events claimed per round. */
  readonly batchSize?: number;
  /** How long a claim holds; events of a relay that died are claimed again after it. */
  readonly claimMs?: number;
  /** Attempts before an event is marked failed. */
  readonly maxAttempts?: number;
  /** How often the relay looks for events committed elsewhere (other nodes) or due for a retry; 0 disables. */
  readonly pollMs?: number;
  /** Told about failed rounds (a database error); the relay tries again at the next round. */
  readonly onError?: (error: unknown) => void;
}

/** The wait before the next attempt after `attempts` failed ones: 1 s doubling, at most 5 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 5 * 60_000);
}

/**
 * Hands committed outbox events to the event bus: woken after every local commit that recorded events, and every
 * `pollMs` for events committed by other processes, left behind by a crash, or due for a retry. Events are
 * claimed (so that relays of several processes share the work without delivering an event twice at once), given to
 * every subscriber in id order, and marked delivered; an event whose subscriber failed is retried with backoff and
 * marked failed after `maxAttempts`.
 */
export class OutboxRelay implements CommitListener {
  private readonly holder = `relay-${randomUUID()}`;
  private readonly batchSize: number;
  private readonly claimMs: number;
  private readonly maxAttempts: number;
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly opts: OutboxRelayOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 100;
    this.claimMs = opts.claimMs ?? 60_000;
    this.maxAttempts = opts.maxAttempts ?? 10;
    this.pollMs = opts.pollMs ?? 1000;
  }

  start(): void {
    this.stopped = false;
    this.committed();
    if (this.pollMs > 0) {
      this.timer = setInterval(() => this.committed(), this.pollMs);
      this.timer.unref();
    }
  }

  /** A unit of work committed events: deliver them soon (a drain in progress runs once more). */
  committed(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.drain();
  }

  /** Delivers every event available now (and those committed meanwhile); resolves when none is left. */
  drain(): Promise<void> {
    this.running ??= (async () => {
      try {
        do {
          this.again = false;
          while (await this.round()) {
            /* until a round finds nothing */
          }
        } while (this.again && !this.stopped);
      } catch (error) {
        this.opts.onError?.(error);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Stops polling and waits for a round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One claimed batch; false when there was nothing to claim. */
  private async round(): Promise<boolean> {
    const now = this.clock.now();
    const entries = await this.store.outbox.claim(
      this.holder,
      new Date(now),
      new Date(now + this.claimMs),
      this.batchSize,
    );
    if (entries.length === 0) return false;
    const delivered: number[] = [];
    for (const entry of entries) {
      if (await this.deliver(entry)) delivered.push(entry.id);
    }
    if (delivered.length > 0) await this.store.outbox.markDelivered(delivered, new Date(this.clock.now()));
    return true;
  }

  private async deliver(entry: OutboxEntry): Promise<boolean> {
    try {
      await this.bus.deliver({ ...entry.event, outboxId: entry.id });
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const attempts = entry.attempts + 1;
      const now = this.clock.now();
      if (attempts >= this.maxAttempts) await this.store.outbox.fail(entry.id, new Date(now), message);
      else await this.store.outbox.release(entry.id, new Date(now + retryDelayMs(attempts)), message);
      return false;
    }
  }
}
