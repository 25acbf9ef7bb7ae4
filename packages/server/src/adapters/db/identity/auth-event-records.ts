import type { Kysely, Selectable } from 'kysely';
import type {
  AuthEventQuery,
  AuthEventRecord,
  AuthEventRecords,
  NewAuthEvent,
  PagedResult,
} from '../../../ports/identity-store.js';
import type { AuthEventsTable, Database } from '../database.js';
import { countOf, pageBounds } from './query-helpers.js';

function toRecord(row: Selectable<AuthEventsTable>): AuthEventRecord {
  return {
    id: row.id,
    at: new Date(row.at),
    principal: row.principal,
    principalKind: row.principal_kind,
    clientIp: row.client_ip,
    method: row.method,
    channel: row.channel,
    outcome: row.outcome,
    reason: row.reason,
  };
}

export class KyselyAuthEventRecords implements AuthEventRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async record(event: NewAuthEvent): Promise<AuthEventRecord> {
    const row = await this.db
      .insertInto('auth_events')
      .values({
        at: event.at.getTime(),
        principal: event.principal,
        principal_kind: event.principalKind,
        client_ip: event.clientIp,
        method: event.method,
        channel: event.channel ?? null,
        outcome: event.outcome,
        reason: event.reason,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecord(row);
  }

  async list(query: AuthEventQuery): Promise<PagedResult<AuthEventRecord>> {
    let filtered = this.db.selectFrom('auth_events');
    if (query.principal !== undefined) filtered = filtered.where('principal', '=', query.principal);
    if (query.outcome !== undefined) filtered = filtered.where('outcome', '=', query.outcome);
    if (query.channel !== undefined) filtered = filtered.where('channel', '=', query.channel);
    const total = countOf(await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const { offset, limit } = pageBounds(query);
    const rows = await filtered
      .selectAll()
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return { items: rows.map(toRecord), total };
  }

  async purgeBefore(before: Date): Promise<number> {
    const result = await this.db.deleteFrom('auth_events').where('at', '<', before.getTime()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
