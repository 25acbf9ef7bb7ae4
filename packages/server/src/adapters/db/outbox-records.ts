import type { Kysely } from 'kysely';
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
    // PostgreSQL the candidates skip rows another relay is claiming right now, so concurrent relays share the
    // pending events instead of racing for the same first ones (SQLite runs one statement at a time).
    const rows = await this.db
      .updateTable('outbox_events')
      .set({ claimed_by: holder, claimed_until: until.getTime() })
      .where('id', 'in', (eb) => {
        const candidates = eb
          .selectFrom('outbox_events')
          .select('id')
          .where('delivered_at', 'is', null)
          .where('failed_at', 'is', null)
          .where('available_at', '<=', at)
          .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', at)]))
          .orderBy('id')
          .limit(limit);
        return this.dialect === 'postgres' ? candidates.forUpdate().skipLocked() : candidates;
      })
      .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', at)]))
      .where('delivered_at', 'is', null)
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
