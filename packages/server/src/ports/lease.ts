/**
 * The lease port: named, time-limited exclusive rights shared by every node of a deployment. A lease has a
 * holder and expires `ttlMs` after it was acquired or last renewed, measured on the clock port of the
 * implementation (so tests move time instead of sleeping). A holder that does not renew in time loses the
 * lease, and another holder may take it over; from then on the old holder's renew and release say so, and
 * `assertHeld` throws LeaseLostError, so work done under the lease can stop.
 *
 * Each successful acquisition carries a fencing token: a counter per name that only ever grows, so a write
 * stamped with an older token can be told from one stamped by the current holder.
 *
 * Every implementation passes the shared suite in adapters/lease/lease.suite.ts.
 */
export interface Leases {
  /** In-process, or the database the nodes share: for logs and diagnostics. */
  readonly kind: string;
  /**
   * Takes the lease `name` for `holder`, if nobody else holds it (free, released or expired). A holder that
   * acquires a lease it still holds gets it again, with a new expiry and a new token. Never waits: undefined
   * when another holder has it.
   */
  tryAcquire(name: string, opts: AcquireOptions): Promise<Lease | undefined>;
  /**
   * As tryAcquire, but waits up to `waitMs` (real time) for the lease to become free, then throws
   * LeaseUnavailableError.
   */
  acquire(name: string, opts: AcquireOptions & { readonly waitMs: number }): Promise<Lease>;
}

export interface AcquireOptions {
  /** Who holds it: unique per acquirer (node and task); the same holder may re-acquire its own lease. */
  readonly holder: string;
  /** How long the lease lasts without renewal, in milliseconds (at least 1). */
  readonly ttlMs: number;
}

/** One acquisition of a lease. */
export interface Lease {
  readonly name: string;
  readonly holder: string;
  /** The fencing token of this acquisition: greater than every earlier acquisition's of the same name. */
  readonly token: number;
  /** When the lease lapses unless renewed (milliseconds since the epoch, on the implementation's clock). */
  readonly expiresAt: number;
  /**
   * Extends the lease to `ttlMs` (default: the acquisition's) from now. False when the lease was lost: it
   * expired before this call (even if nobody took it over) or another holder has it.
   */
  renew(ttlMs?: number): Promise<boolean>;
  /**
   * Gives the lease up so another holder may take it at once. False when it had been lost already.
   * `forget` also drops the name's record, fencing counter included: for names never used again (an
   * upload session that ended), so that such records do not pile up.
   */
  release(opts?: { readonly forget?: boolean }): Promise<boolean>;
  /** Throws LeaseLostError unless this acquisition still holds the lease. */
  assertHeld(): Promise<void>;
}

/** Work under a lease that was lost (expired without renewal, or taken over). */
export class LeaseLostError extends Error {
  constructor(
    readonly lease: string,
    readonly holder: string,
  ) {
    super(`lease ${lease} is no longer held by ${holder}`);
  }
}

/** `acquire` waited in vain. */
export class LeaseUnavailableError extends Error {
  constructor(
    readonly lease: string,
    readonly waitedMs: number,
  ) {
    super(`lease ${lease} is held by another holder (waited ${waitedMs} ms)`);
  }
}

/** Lease names: printable ASCII without spaces, 1 to 200 characters, e.g. `job:upload-purge`, `upload:<uuid>`. */
export const LEASE_NAME = /^[!-~]{1,200}$/;
