import type { Kysely } from 'kysely';
import type { Page, TagRecord, TagRecords } from '../../ports/metadata-store.js';
import type { Database } from './database.js';

export class KyselyTagRecords implements TagRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async get(repositoryId: number, name: string): Promise<TagRecord | undefined> {
    const row = await this.db
      .selectFrom('tags')
      .innerJoin('manifests', 'manifests.id', 'tags.manifest_id')
      .select(['tags.name', 'tags.manifest_id', 'tags.updated_at', 'manifests.digest'])
      .where('tags.repository_id', '=', repositoryId)
      .where('tags.name', '=', name)
      .executeTakeFirst();
    return (
      row && { name: row.name, digest: row.digest, manifestId: row.manifest_id, updatedAt: new Date(row.updated_at) }
    );
  }

  async put(repositoryId: number, name: string, manifestId: number): Promise<void> {
    const updatedAt = Date.now();
    await this.db
      .insertInto('tags')
      .values({ repository_id: repositoryId, name, manifest_id: manifestId, updated_at: updatedAt })
      .onConflict((oc) =>
        oc.columns(['repository_id', 'name']).doUpdateSet({ manifest_id: manifestId, updated_at: updatedAt }),
      )
      .execute();
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
}
