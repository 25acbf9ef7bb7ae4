import type { Kysely } from 'kysely';
import type { PagedResult } from '../../ports/identity/paging.js';
import type {
  NewTagHistoryEntry,
  RestoreHolds,
  TagHistoryEntry,
  TagHistoryQuery,
  TagHistoryRecords,
} from '../../ports/tag-history-records.js';
import { batches } from './batches.js';
import { inNoManifest } from './garbage-records.js';
import type { Database, TagHistoryTable } from './database.js';
import { countOf, pageBounds } from './identity/query-helpers.js';

type Row = Omit<TagHistoryTable, 'id'> & { id: number };

function toEntry(row: Row): TagHistoryEntry {
  return {
    id: row.id,
    repositoryId: row.repository_id,
    tag: row.tag ?? undefined,
    digest: row.digest,
    mediaType: row.media_type,
    kind: row.kind,
    operator: row.operator ?? undefined,
    at: new Date(Number(row.created_at)),
    expiresAt: new Date(Number(row.expires_at)),
  };
}

export class KyselyTagHistoryRecords implements TagHistoryRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async add(entry: NewTagHistoryEntry, holds: readonly string[]): Promise<TagHistoryEntry> {
    const row = await this.db
      .insertInto('tag_history')
      .values({
        repository_id: entry.repositoryId,
        tag: entry.tag ?? null,
        digest: entry.digest,
        media_type: entry.mediaType,
        kind: entry.kind,
        operator: entry.operator ?? null,
        created_at: entry.at.getTime(),
        expires_at: entry.expiresAt.getTime(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const expires = entry.expiresAt.getTime();
    for (const batch of batches([...new Set(holds)])) {
      await this.db
        .insertInto('tag_history_blobs')
        .values(batch.map((digest) => ({ history_id: row.id, digest, expires_at: expires })))
        .execute();
    }
    return toEntry(row);
  }

  async query(repositoryId: number, query: TagHistoryQuery): Promise<PagedResult<TagHistoryEntry>> {
    let base = this.db
      .selectFrom('tag_history')
      .where('repository_id', '=', repositoryId)
      .where('expires_at', '>', query.now);
    if (query.tag !== undefined) base = base.where('tag', '=', query.tag);
    const total = countOf(await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const { offset, limit } = pageBounds(query);
    const rows = await base.selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
    return { items: rows.map(toEntry), total };
  }

  async get(repositoryId: number, id: number): Promise<TagHistoryEntry | undefined> {
    const row = await this.db
      .selectFrom('tag_history')
      .selectAll()
      .where('id', '=', id)
      .where('repository_id', '=', repositoryId)
      .executeTakeFirst();
    return row ? toEntry(row) : undefined;
  }

  async holds(id: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('tag_history_blobs')
      .select('digest')
      .where('history_id', '=', id)
      .orderBy('digest')
      .execute();
    return rows.map((row) => row.digest);
  }

  async purge(before: number): Promise<number> {
    // The holds first (SQLite enforces foreign keys only when asked; both go either way).
    const expired = this.db.selectFrom('tag_history').select('id').where('expires_at', '<=', before);
    await this.db.deleteFrom('tag_history_blobs').where('history_id', 'in', expired).execute();
    const result = await this.db.deleteFrom('tag_history').where('expires_at', '<=', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async restoreHolds(after: number): Promise<RestoreHolds> {
    const row = await this.db
      .selectFrom('blobs')
      .innerJoin(
        (eb) =>
          eb
            .selectFrom('tag_history_blobs')
            .select(['digest', (e) => e.fn.max('expires_at').as('until')])
            .where('expires_at', '>', after)
            .groupBy('digest')
            .as('held'),
        (join) => join.onRef('held.digest', '=', 'blobs.digest'),
      )
      .where('blobs.status', '=', 'none')
      // Held, and kept only because of it: in no manifest (GC's own predicate).
      .where(inNoManifest)
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.sum<number>('blobs.size').as('bytes'),
        eb.fn.max('held.until').as('until'),
      ])
      .executeTakeFirst();
    const blobs = countOf(row);
    return {
      blobs,
      bytes: Number(row?.bytes ?? 0),
      until: blobs > 0 && row?.until !== null && row?.until !== undefined ? Number(row.until) : undefined,
    };
  }
}
