import { sql, type Kysely } from 'kysely';
import { systemClock, type Clock } from '../../ports/clock.js';
import { LeaseLostError } from '../../ports/lease.js';
import type { AcquireOptions, Lease, Leases } from '../../ports/lease.js';
import { acquireWaiting, checkAcquire, checkTtl } from '../lease/lease-options.js';
import type { Database } from './database.js';

/**
 * Leases as rows of the `leases` table (migration 0007-leases), shared by every node on the database, on
 * SQLite and PostgreSQL alike. Each operation is one statement that compares and sets atomically:
 * acquiring is an upsert whose update applies only when the row is free, released or expired, or already
 * the caller's (`expires_at <= now OR holder = me`), raising the fencing counter; renew, release and the
 * held check match the holder, the token and an unexpired row. `now` is the clock port's, read by the
 * node issuing the statement, so the nodes' clocks must agree to well within a lease's time-to-live.
 *
 * Rows rather than PostgreSQL advisory locks: advisory locks belong to a connection, so a pooled
 * connection would have to be pinned for as long as the lease is held, they have no expiry (a stuck
 * holder keeps them until its connection dies), no fencing token, and do not exist on SQLite.
 */
export class KyselyLeases implements Leases {
  readonly kind = 'database';

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock = systemClock,
  ) {}

  async tryAcquire(name: string, opts: AcquireOptions): Promise<Lease | undefined> {
    checkAcquire(name, opts);
    const now = this.clock.now();
    const expiresAt = now + opts.ttlMs;
    const row = await this.db
      .insertInto('leases')
      .values({ name, holder: opts.holder, expires_at: expiresAt, token: 1 })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder: opts.holder, expires_at: expiresAt, token: sql<number>`leases.token + 1` })
          .where((eb) => eb.or([eb('leases.expires_at', '<=', now), eb('leases.holder', '=', opts.holder)])),
      )
      .returning('token')
      .executeTakeFirst();
    return row && new DatabaseLease(this, name, opts.holder, Number(row.token), expiresAt, opts.ttlMs);
  }

  acquire(name: string, opts: AcquireOptions & { readonly waitMs: number }): Promise<Lease> {
    return acquireWaiting(name, opts.waitMs, () => this.tryAcquire(name, opts));
  }

  /** Extends the lease; the new expiry, or undefined when it was lost. */
  async renew(lease: DatabaseLease, ttlMs: number): Promise<number | undefined> {
    checkTtl(ttlMs);
    const now = this.clock.now();
    const result = await this.db
      .updateTable('leases')
      .set({ expires_at: now + ttlMs })
      .where('name', '=', lease.name)
      .where('holder', '=', lease.holder)
      .where('token', '=', lease.token)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n ? now + ttlMs : undefined;
  }

  async release(lease: DatabaseLease, forget: boolean): Promise<boolean> {
    const now = this.clock.now();
    const result = forget
      ? await this.db
          .deleteFrom('leases')
          .where('name', '=', lease.name)
          .where('holder', '=', lease.holder)
          .where('token', '=', lease.token)
          .where('expires_at', '>', now)
          .executeTakeFirst()
          .then((r) => r.numDeletedRows)
      : await this.db
          .updateTable('leases')
          .set({ holder: null, expires_at: 0 })
          .where('name', '=', lease.name)
          .where('holder', '=', lease.holder)
          .where('token', '=', lease.token)
          .where('expires_at', '>', now)
          .executeTakeFirst()
          .then((r) => r.numUpdatedRows);
    return result > 0n;
  }

  async held(lease: DatabaseLease): Promise<boolean> {
    const row = await this.db
      .selectFrom('leases')
      .select('token')
      .where('name', '=', lease.name)
      .where('holder', '=', lease.holder)
      .where('token', '=', lease.token)
      .where('expires_at', '>', this.clock.now())
      .executeTakeFirst();
    return row !== undefined;
  }
}

class DatabaseLease implements Lease {
  constructor(
    private readonly leases: KyselyLeases,
    readonly name: string,
    readonly holder: string,
    readonly token: number,
    public expiresAt: number,
    private readonly ttlMs: number,
  ) {}

  async renew(ttlMs = this.ttlMs): Promise<boolean> {
    const expiresAt = await this.leases.renew(this, ttlMs);
    if (expiresAt === undefined) return false;
    this.expiresAt = expiresAt;
    return true;
  }

  release(opts: { readonly forget?: boolean } = {}): Promise<boolean> {
    return this.leases.release(this, opts.forget === true);
  }

  async assertHeld(): Promise<void> {
    if (!(await this.leases.held(this))) throw new LeaseLostError(this.name, this.holder);
  }
}
