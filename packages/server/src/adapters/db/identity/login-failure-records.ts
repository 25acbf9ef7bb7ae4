import { sql } from 'kysely';
import type { Kysely, RawBuilder, Selectable } from 'kysely';
import type { LoginFailurePolicy, LoginFailureRecord, LoginFailureRecords } from '../../../ports/identity-store.js';
import type { Database, LoginFailuresTable } from '../database.js';

function toRecord(row: Selectable<LoginFailuresTable>): LoginFailureRecord {
  return {
    key: row.key,
    failures: row.failures,
    lastFailureAt: new Date(row.last_failure_at),
    lockedUntil: row.locked_until === null ? null : new Date(row.locked_until),
  };
}

/** Doublings of `lockMs` after which the lock is capped (bounded, so the shifted integer never overflows). */
function doublingsToCap(lockMs: number, maxLockMs: number): number {
  let steps = 0;
  while (steps < 40 && lockMs * 2 ** steps < maxLockMs) steps++;
  return steps;
}

/** The lock after the `failures`-th failure (failures >= lockAfter), as in LoginFailurePolicy.maxLockMs. */
function growingLock(failures: number, lockAfter: number, lockMs: number, maxLockMs: number | undefined): number {
  if (maxLockMs === undefined) return lockMs;
  return Math.min(lockMs * 2 ** Math.min(failures - lockAfter, doublingsToCap(lockMs, maxLockMs)), maxLockMs);
}

/** growingLock as SQL over the failure count `next`. */
function lockDuration(
  next: RawBuilder<number>,
  lockAfter: number,
  lockMs: number,
  maxLockMs: number | undefined,
): RawBuilder<number> {
  if (maxLockMs === undefined) return sql<number>`cast(${lockMs} as bigint)`;
  const cap = doublingsToCap(lockMs, maxLockMs);
  const past = sql<number>`(${next} - cast(${lockAfter} as integer))`;
  return sql<number>`case when ${past} >= cast(${cap} as integer) then cast(${Math.min(lockMs * 2 ** cap, maxLockMs)} as bigint)
                      else cast(${lockMs} as bigint) * (cast(1 as bigint) << ${past}) end`;
}

export class KyselyLoginFailureRecords implements LoginFailureRecords {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * One upsert: the row lock PostgreSQL takes on conflict (and SQLite's single writer) serialise concurrent
   * increments of a key, on every node. The SET expressions read the row as it was before this failure.
   */
  async increment(key: string, at: Date, policy: LoginFailurePolicy = {}): Promise<LoginFailureRecord> {
    const row = await this.count(key, at, policy, false);
    if (!row) throw new Error(`login failure counter ${key} was not counted`);
    return row;
  }

  /**
   * The same upsert, with a condition on the conflict: a row locked at `at` is left as it is, and PostgreSQL and
   * SQLite then return no row (ON CONFLICT DO UPDATE … WHERE). Checking the lock and counting the attempt are so
   * one statement, and of N concurrent attempts on an unlocked key exactly `lockAfter` get a record.
   */
  async reserve(key: string, at: Date, policy: LoginFailurePolicy = {}): Promise<LoginFailureRecord | undefined> {
    return this.count(key, at, policy, true);
  }

  async release(key: string, policy: Pick<LoginFailurePolicy, 'lockAfter'> = {}): Promise<void> {
    const { lockAfter } = policy;
    await this.db
      .updateTable('login_failures')
      .set((eb) => ({
        failures: sql<number>`login_failures.failures - 1`,
        locked_until:
          lockAfter === undefined
            ? eb.ref('login_failures.locked_until')
            : sql<number | null>`case when login_failures.failures - 1 < cast(${lockAfter} as integer) then null
                                   else login_failures.locked_until end`,
      }))
      .where('key', '=', key)
      .where('failures', '>', 0)
      .execute();
  }

  private async count(
    key: string,
    at: Date,
    policy: LoginFailurePolicy,
    unlessLocked: boolean,
  ): Promise<LoginFailureRecord | undefined> {
    const now = at.getTime();
    const { windowMs, lockAfter, lockMs, maxLockMs } = policy;
    const next =
      windowMs === undefined
        ? sql<number>`login_failures.failures + 1`
        : sql<number>`case when login_failures.last_failure_at <= cast(${now - windowMs} as bigint)
                        then 1 else login_failures.failures + 1 end`;
    const locks = lockAfter !== undefined && lockMs !== undefined;
    const lockedUntil = locks
      ? sql<number | null>`case when ${next} >= cast(${lockAfter} as integer)
                             then cast(${now} as bigint) + ${lockDuration(next, lockAfter, lockMs, maxLockMs)}
                             else login_failures.locked_until end`
      : sql<number | null>`login_failures.locked_until`;
    const row = await this.db
      .insertInto('login_failures')
      .values({
        key,
        failures: 1,
        last_failure_at: now,
        locked_until: locks && lockAfter <= 1 ? now + growingLock(1, lockAfter, lockMs, maxLockMs) : null,
      })
      .onConflict((oc) => {
        const update = oc.column('key').doUpdateSet((eb) => ({
          failures: next,
          last_failure_at: eb.ref('excluded.last_failure_at'),
          locked_until: lockedUntil,
        }));
        return unlessLocked
          ? update.where(
              sql<boolean>`(login_failures.locked_until is null or login_failures.locked_until <= cast(${now} as bigint))`,
            )
          : update;
      })
      .returningAll()
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async get(key: string): Promise<LoginFailureRecord | undefined> {
    const row = await this.db.selectFrom('login_failures').selectAll().where('key', '=', key).executeTakeFirst();
    return row && toRecord(row);
  }

  async reset(key: string): Promise<boolean> {
    const result = await this.db.deleteFrom('login_failures').where('key', '=', key).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async purgeBefore(before: Date): Promise<number> {
    const cutoff = before.getTime();
    const result = await this.db
      .deleteFrom('login_failures')
      .where('last_failure_at', '<', cutoff)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', cutoff)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
