import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Page, PagedResult, TagQuery, TagRecord, TagRecords, TagSortBy } from '../../ports/metadata-store.js';
import { batches } from './batches.js';
import type { Database } from './database.js';
import { countOf, pageBounds } from './identity/query-helpers.js';
import { orderItems, valueMatches } from './view-sql.js';

interface TagRow {
  id: number;
  repository_id: number;
  name: string;
  manifest_id: number;
  updated_at: number;
  pulled_at: number | null;
  digest: string;
}

function toRecord(row: TagRow): TagRecord {
  return {
    id: row.id,
    repositoryId: row.repository_id,
    name: row.name,
    digest: row.digest,
    manifestId: row.manifest_id,
    updatedAt: new Date(row.updated_at),
    pulledAt: row.pulled_at === null ? undefined : new Date(row.pulled_at),
  };
}

const TAG_COLUMNS = [
  't.id',
  't.repository_id',
  't.name',
  't.manifest_id',
  't.updated_at',
  't.pulled_at',
  'manifests.digest',
] as const;

const TAG_SORT_COLUMNS = {
  id: sql`t.id`,
  name: sql`t.name`,
  pushTime: sql`t.updated_at`,
  pullTime: sql`coalesce(t.pulled_at, 0)`,
} satisfies Record<TagSortBy, unknown>;

export class KyselyTagRecords implements TagRecords {
  constructor(private readonly db: Kysely<Database>) {}

  private withDigest() {
    return this.db.selectFrom('tags as t').innerJoin('manifests', 'manifests.id', 't.manifest_id');
  }

  async get(repositoryId: number, name: string): Promise<TagRecord | undefined> {
    const row = await this.withDigest()
      .select(TAG_COLUMNS)
      .where('t.repository_id', '=', repositoryId)
      .where('t.name', '=', name)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async put(repositoryId: number, name: string, manifestId: number, at?: number): Promise<void> {
    const updatedAt = at ?? Date.now();
    await this.db
      .insertInto('tags')
      .values({ repository_id: repositoryId, name, manifest_id: manifestId, updated_at: updatedAt })
      .onConflict((oc) =>
        oc.columns(['repository_id', 'name']).doUpdateSet({ manifest_id: manifestId, updated_at: updatedAt }),
      )
      .execute();
  }

  async create(repositoryId: number, name: string, manifestId: number, at?: number): Promise<boolean> {
    const inserted = await this.db
      .insertInto('tags')
      .values({ repository_id: repositoryId, name, manifest_id: manifestId, updated_at: at ?? Date.now() })
      .onConflict((oc) => oc.columns(['repository_id', 'name']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async delete(repositoryId: number, name: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('tags')
      .where('repository_id', '=', repositoryId)
      .where('name', '=', name)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async list(repositoryId: number, page: Page): Promise<string[]> {
    let query = this.db.selectFrom('tags').select('name').where('repository_id', '=', repositoryId);
    if (page.last !== undefined) query = query.where('name', '>', page.last);
    const rows = await query.orderBy('name').limit(page.limit).execute();
    return rows.map((row) => row.name);
  }

  async query(manifestId: number, query: TagQuery): Promise<PagedResult<TagRecord>> {
    let filtered = this.withDigest().where('t.manifest_id', '=', manifestId);
    const { name } = query;
    if (name) filtered = filtered.where((eb) => valueMatches(eb.ref('t.name'), name));
    const total = countOf(await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const { offset, limit } = pageBounds(query);
    const order = orderItems(query.sort, [{ by: 'pushTime', direction: 'desc' }], TAG_SORT_COLUMNS, sql`t.id`);
    const rows = await filtered.select(TAG_COLUMNS).orderBy(order).limit(limit).offset(offset).execute();
    return { items: rows.map(toRecord), total };
  }

  async ofManifests(manifestIds: readonly number[]): Promise<TagRecord[]> {
    const records: TagRecord[] = [];
    for (const batch of batches([...new Set(manifestIds)])) {
      const rows = await this.withDigest().select(TAG_COLUMNS).where('t.manifest_id', 'in', batch).execute();
      records.push(...rows.map(toRecord));
    }
    return records.sort(
      (a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
  }
}
