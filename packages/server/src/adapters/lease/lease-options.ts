import { setTimeout as delay } from 'node:timers/promises';
import { LEASE_NAME, LeaseUnavailableError } from '../../ports/lease.js';
import type { AcquireOptions, Lease } from '../../ports/lease.js';

/** Refuses a malformed name, holder or time-to-live before any implementation acts on it. */
export function checkAcquire(name: string, opts: AcquireOptions): void {
  if (!LEASE_NAME.test(name)) throw new RangeError(`invalid lease name ${JSON.stringify(name)}`);
  if (!LEASE_NAME.test(opts.holder)) throw new RangeError(`invalid lease holder ${JSON.stringify(opts.holder)}`);
  checkTtl(opts.ttlMs);
}

export function checkTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) throw new RangeError(`invalid lease time-to-live ${ttlMs} ms`);
}

/** First and longest pause between attempts of a waiting acquire (real time). */
const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 100;

/**
 * A waiting acquire over `attempt` (one tryAcquire): tries, then pauses (doubling from 2 ms up to 100 ms, or
 * until `wake` resolves: the in-process implementation wakes waiters on release) and tries again until
 * `waitMs` of real time have passed.
 */
export async function acquireWaiting(
  name: string,
  waitMs: number,
  attempt: () => Promise<Lease | undefined>,
  wake?: () => Promise<void>,
): Promise<Lease> {
  if (!(waitMs >= 0)) throw new RangeError(`invalid lease wait ${waitMs} ms`);
  const started = performance.now();
  let pause = FIRST_POLL_MS;
  for (;;) {
    const lease = await attempt();
    if (lease) return lease;
    const left = waitMs - (performance.now() - started);
    if (left <= 0) throw new LeaseUnavailableError(name, Math.round(performance.now() - started));
    const controller = new AbortController();
    const sleep = delay(Math.min(pause, left), undefined, { signal: controller.signal }).catch(() => undefined);
    await (wake ? Promise.race([sleep, wake()]) : sleep);
    controller.abort();
    pause = Math.min(pause * 2, MAX_POLL_MS);
  }
}
