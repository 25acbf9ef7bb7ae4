import { LeaseLostError } from '../ports/lease.js';
import type { Lease, Leases } from '../ports/lease.js';

export interface HoldOptions {
  readonly holder: string;
  /** Time-to-live of the lease; it is renewed every third of it while the work runs. */
  readonly ttlMs: number;
  /** How long to wait for another holder (real time); 0 tries once. */
  readonly waitMs: number;
}

/** What work under a lease sees: the lease, and a signal aborted (with LeaseLostError) as soon as it is lost. */
export interface Held {
  readonly lease: Lease;
  readonly signal: AbortSignal;
  /** Throws LeaseLostError when the lease was lost (known from a renewal, or asked of the lease now). */
  assertHeld(): Promise<void>;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/**
 * What becomes of the lease after the work: released, released and its record dropped (a name never used
 * again), or kept until it expires (a periodic round that others should not repeat within its interval).
 */
export type AfterWork = 'release' | 'forget' | 'keep';

/**
 * Runs `work` while holding the lease `name`: acquires it (waiting up to `waitMs`), renews it every third of
 * its time-to-live in the background, and afterwards does what `after` decides from the outcome (default:
 * release). A renewal that finds the lease lost aborts `signal`; work that finishes after the loss fails with
 * LeaseLostError, since another holder may have acted meanwhile.
 */
export async function holdLease<T>(
  leases: Leases,
  name: string,
  opts: HoldOptions,
  work: (held: Held) => Promise<T>,
  after: (outcome: Outcome<T>) => AfterWork | Promise<AfterWork> = () => 'release',
): Promise<T> {
  const lease = await leases.acquire(name, opts);
  const controller = new AbortController();
  const lost = () => controller.abort(new LeaseLostError(lease.name, lease.holder));
  let renewing: Promise<void> | undefined;
  const timer = setInterval(
    () => {
      // A renewal that fails (the database is away) is retried at the next tick; one that finds the lease gone ends it.
      renewing ??= lease
        .renew()
        .then(
          (ok) => void (ok || lost()),
          () => undefined,
        )
        .finally(() => (renewing = undefined));
    },
    Math.max(1, Math.floor(opts.ttlMs / 3)),
  );
  timer.unref();
  const held: Held = {
    lease,
    signal: controller.signal,
    async assertHeld() {
      controller.signal.throwIfAborted();
      await lease.assertHeld();
    },
  };
  let outcome: Outcome<T>;
  try {
    const value = await work(held);
    controller.signal.throwIfAborted();
    outcome = { ok: true, value };
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    clearInterval(timer);
    await renewing;
  }
  if (!controller.signal.aborted) {
    const next = await Promise.resolve(after(outcome)).catch((): AfterWork => 'release');
    // A release that fails leaves the lease to expire.
    if (next !== 'keep') await lease.release({ forget: next === 'forget' }).catch(() => undefined);
  }
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
