import type { ExpressionBuilder, Kysely } from 'kysely';
import type { DomainEvent } from '../../domain/events.js';
import type { OutboxEntry, OutboxRecords } from '../../ports/outbox.js';
import { batches } from './batches.js';
import type { Database, SqlDialect } from './database.js';

/** Errors kept with a failed delivery are cut to this many characters. */
const MAX_ERROR_CHARS = 2000;

export class KyselyOutboxRecords implements OutboxRecords {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async append(events: readonly DomainEvent[]): Promise<void> {
    for (const batch of batches(events)) {
      await this.db
        .insertInto('outbox_events')
        .values(
          batch.map((event) => ({
            type: event.type,
            payload: JSON.stringify(event),
            occurred_at: event.at,
            available_at: event.at,
          })),
        )
        .execute();
    }
  }

  async claim(holder: string, now: Date, until: Date, limit: number): Promise<OutboxEntry[]> {
    const at = now.getTime();
    // One statement: a concurrent relay's UPDATE re-checks the claim condition on rows this one changed. On
    // PostgreSQL the candidates are locked first and rows another relay is claiming right now are skipped, so
    // concurrent relays share the pending events instead of racing for the same first ones; the candidates are a
    // CTE, which PostgreSQL evaluates once (a LIMIT subquery under IN may be run again and claim more than `limit`).
    // SQLite runs one statement at a time.
    const claimable = (eb: ExpressionBuilder<Database, 'outbox_events'>) =>
      eb.and([
        eb('delivered_at', 'is', null),
        eb('failed_at', 'is', null),
        eb('available_at', '<=', at),
        eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)]),
      ]);
    const claim = { claimed_by: holder, claimed_until: until.getTime() };
    const rows =
      this.dialect === 'postgres'
        ? await this.db
            .with('candidates', (db) =>
              db
                .selectFrom('outbox_events')
                .select('id')
                .where(claimable)
                .orderBy('id')
                .limit(limit)
                .forUpdate()
                .skipLocked(),
            )
            .updateTable('outbox_events')
            .set(claim)
            .from('candidates')
            .whereRef('outbox_events.id', '=', 'candidates.id')
            .returning(['outbox_events.id', 'outbox_events.payload', 'outbox_events.attempts'])
            .execute()
        : await this.db
            .updateTable('outbox_events')
            .set(claim)
            .where('id', 'in', (eb) =>
              eb.selectFrom('outbox_events').select('id').where(claimable).orderBy('id').limit(limit),
            )
            .where(claimable)
            .returning(['id', 'payload', 'attempts'])
            .execute();
    return rows
      .map((row) => ({ id: Number(row.id), event: JSON.parse(row.payload) as DomainEvent, attempts: row.attempts }))
      .sort((a, b) => a.id - b.id);
  }

  async markDelivered(ids: readonly number[], at: Date): Promise<void> {
    for (const batch of batches(ids)) {
      await this.db
        .updateTable('outbox_events')
        .set({ delivered_at: at.getTime(), claimed_by: null, claimed_until: null })
        .where('id', 'in', batch)
        .execute();
    }
  }

  async release(id: number, retryAt: Date, error: string): Promise<void> {
    await this.endAttempt(id, error, { available_at: retryAt.getTime() });
  }

  async fail(id: number, at: Date, error: string): Promise<void> {
    await this.endAttempt(id, error, { failed_at: at.getTime() });
  }

  /** Counts a failed attempt, drops the claim and records the error, with `next` (a retry time or the give-up). */
  private async endAttempt(
    id: number,
    error: string,
    next: { available_at: number } | { failed_at: number },
  ): Promise<void> {
    await this.db
      .updateTable('outbox_events')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        claimed_by: null,
        claimed_until: null,
        last_error: error.slice(0, MAX_ERROR_CHARS),
        ...next,
      }))
      .where('id', '=', id)
      .execute();
  }

  async pendingCount(): Promise<number> {
    const row = await this.db
      .selectFrom('outbox_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('delivered_at', 'is', null)
      .where('failed_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async purge(before: Date): Promise<number> {
    const at = before.getTime();
    const result = await this.db
      .deleteFrom('outbox_events')
      .where((w) => w.or([w('delivered_at', '<', at), w('failed_at', '<', at)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
