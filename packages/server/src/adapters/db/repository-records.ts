import type { Kysely, Selectable } from 'kysely';
import type { Page, RepositoryRecord, RepositoryRecords } from '../../ports/metadata-store.js';
import type { Database, RepositoriesTable } from './database.js';

function toRecord(row: Selectable<RepositoriesTable>): RepositoryRecord {
  return { id: row.id, name: row.name, createdAt: new Date(row.created_at) };
}

export class KyselyRepositoryRecords implements RepositoryRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async get(name: string): Promise<RepositoryRecord | undefined> {
    const row = await this.db.selectFrom('repositories').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toRecord(row);
  }

  async ensure(name: string): Promise<RepositoryRecord> {
    const inserted = await this.db
      .insertInto('repositories')
      .values({ name, created_at: Date.now() })
      .onConflict((oc) => oc.column('name').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return toRecord(inserted);
    // Lost the race (or it already existed): the conflicting row is committed and visible now.
    const existing = await this.get(name);
    if (!existing) throw new Error(`repository ${name} vanished while being ensured`);
    return existing;
  }

  async list(page: Page): Promise<string[]> {
    let query = this.db.selectFrom('repositories').select('name');
    if (page.last !== undefined) query = query.where('name', '>', page.last);
    const rows = await query.orderBy('name').limit(page.limit).execute();
    return rows.map((row) => row.name);
  }
}
