import { systemClock, type Clock } from '../../ports/clock.js';
import { LeaseLostError } from '../../ports/lease.js';
import type { AcquireOptions, Lease, Leases } from '../../ports/lease.js';
import { acquireWaiting, checkAcquire, checkTtl } from './lease-options.js';

interface Entry {
  /** Undefined once released. */
  holder: string | undefined;
  expiresAt: number;
  token: number;
}

/**
 * Leases of one process (SQLite deployments, where only one process serves): a map by name, expiry read
 * from the clock. Costs a map lookup; a waiting acquire is woken as soon as the holder releases.
 * A released lease keeps its entry unless released with `forget`.
 *
 * Fencing tokens come from one counter for the whole process that starts at the clock's time in microseconds
 * and never falls behind it (each token is the greater of the last plus one and the time now): a token stays
 * greater than every earlier one of the same name even after `forget` or a restart of the process, as long as
 * acquisitions do not outrun a million a second. Writes fenced in the database (upload sessions) rely on it.
 */
export class InProcessLeases implements Leases {
  readonly kind = 'in-process';
  private readonly entries = new Map<string, Entry>();
  private readonly waiters = new Map<string, { promise: Promise<void>; wake: () => void }>();
  private lastToken = 0;

  constructor(private readonly clock: Clock = systemClock) {}

  async tryAcquire(name: string, opts: AcquireOptions): Promise<Lease | undefined> {
    await Promise.resolve();
    checkAcquire(name, opts);
    const now = this.clock.now();
    const entry = this.entries.get(name);
    if (entry?.holder !== undefined && entry.holder !== opts.holder && entry.expiresAt > now) {
      return undefined;
    }
    this.lastToken = Math.max(this.lastToken + 1, now * 1000);
    const next: Entry = { holder: opts.holder, expiresAt: now + opts.ttlMs, token: this.lastToken };
    this.entries.set(name, next);
    return new InProcessLease(this, name, opts.holder, next.token, next.expiresAt, opts.ttlMs);
  }

  acquire(name: string, opts: AcquireOptions & { readonly waitMs: number }): Promise<Lease> {
    return acquireWaiting(
      name,
      opts.waitMs,
      () => this.tryAcquire(name, opts),
      () => this.released(name),
    );
  }

  /** The entry while `holder` holds it under `token` and it has not expired. */
  held(name: string, holder: string, token: number): Entry | undefined {
    const entry = this.entries.get(name);
    if (!entry || entry.holder !== holder || entry.token !== token) return undefined;
    return entry.expiresAt > this.clock.now() ? entry : undefined;
  }

  renew(name: string, holder: string, token: number, ttlMs: number): number | undefined {
    checkTtl(ttlMs);
    const entry = this.held(name, holder, token);
    if (!entry) return undefined;
    entry.expiresAt = this.clock.now() + ttlMs;
    return entry.expiresAt;
  }

  release(name: string, holder: string, token: number, forget: boolean): boolean {
    const entry = this.held(name, holder, token);
    if (!entry) return false;
    if (forget) {
      this.entries.delete(name);
    } else {
      entry.holder = undefined;
      entry.expiresAt = 0;
    }
    const waiting = this.waiters.get(name);
    this.waiters.delete(name);
    waiting?.wake();
    return true;
  }

  /** Resolves when `name` is next released; one promise shared by everyone waiting for it. */
  private released(name: string): Promise<void> {
    let waiting = this.waiters.get(name);
    if (!waiting) {
      let wake = (): void => undefined;
      const promise = new Promise<void>((resolve) => (wake = resolve));
      waiting = { promise, wake };
      this.waiters.set(name, waiting);
    }
    return waiting.promise;
  }
}

class InProcessLease implements Lease {
  constructor(
    private readonly leases: InProcessLeases,
    readonly name: string,
    readonly holder: string,
    readonly token: number,
    public expiresAt: number,
    private readonly ttlMs: number,
  ) {}

  async renew(ttlMs = this.ttlMs): Promise<boolean> {
    await Promise.resolve();
    const expiresAt = this.leases.renew(this.name, this.holder, this.token, ttlMs);
    if (expiresAt === undefined) return false;
    this.expiresAt = expiresAt;
    return true;
  }

  async release(opts: { readonly forget?: boolean } = {}): Promise<boolean> {
    await Promise.resolve();
    return this.leases.release(this.name, this.holder, this.token, opts.forget === true);
  }

  async assertHeld(): Promise<void> {
    await Promise.resolve();
    if (!this.leases.held(this.name, this.holder, this.token)) throw new LeaseLostError(this.name, this.holder);
  }
}
