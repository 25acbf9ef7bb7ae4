import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { BlobRecord, BlobRecords } from '../../ports/metadata-store.js';
import { batches } from './batches.js';
import { preparedQuery } from './prepared-query.js';
import type { Database } from './database.js';

export class KyselyBlobRecords implements BlobRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async get(digest: string): Promise<BlobRecord | undefined> {
    const row = await this.db
      .selectFrom('blobs')
      .select(['digest', 'size', 'status'])
      .where('digest', '=', digest)
      .executeTakeFirst();
    if (!row) return undefined;
    return row.status === 'deleting'
      ? { digest: row.digest, size: row.size, deleting: true }
      : { digest: row.digest, size: row.size };
  }

  async put(blob: BlobRecord, now: number): Promise<boolean> {
    const row = await this.db
      .insertInto('blobs')
      .values({ digest: blob.digest, size: blob.size, created_at: now, updated_at: now })
      .onConflict((oc) =>
        oc.column('digest').doUpdateSet({ updated_at: now }).where('blobs.status', '=', sql.lit('none')),
      )
      .returning('digest')
      .executeTakeFirst();
    return row !== undefined;
  }

  async touch(digests: readonly string[], now: number): Promise<Set<string>> {
    const touched = new Set<string>();
    for (const batch of batches([...new Set(digests)].sort())) {
      const rows = await this.db
        .updateTable('blobs')
        .set({ updated_at: now })
        .where('digest', 'in', batch)
        .where('status', '=', 'none')
        .returning('digest')
        .execute();
      for (const row of rows) touched.add(row.digest);
    }
    return touched;
  }

  async getInRepository(repositoryName: string, digest: string): Promise<BlobRecord | undefined> {
    this.linked ??= preparedQuery(2, (name: string, blobDigest: string) =>
      this.db
        .selectFrom('repository_blobs')
        .innerJoin('repositories', 'repositories.id', 'repository_blobs.repository_id')
        .innerJoin('blobs', 'blobs.digest', 'repository_blobs.digest')
        .select(['blobs.digest', 'blobs.size'])
        .where('repositories.name', '=', name)
        .where('repository_blobs.digest', '=', blobDigest)
        .where('blobs.status', '=', sql.lit('none')),
    );
    return this.linked(this.db, repositoryName, digest);
  }

  private linked?: (db: Kysely<Database>, name: string, digest: string) => Promise<BlobRecord | undefined>;

  async link(repositoryId: number, digest: string): Promise<void> {
    await this.db
      .insertInto('repository_blobs')
      .values({ repository_id: repositoryId, digest, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['repository_id', 'digest']).doNothing())
      .execute();
  }

  async unlink(repositoryId: number, digest: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('repository_blobs')
      .where('repository_id', '=', repositoryId)
      .where('digest', '=', digest)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async linkedOf(repositoryId: number, digests: readonly string[]): Promise<Set<string>> {
    const linked = new Set<string>();
    for (const batch of batches([...new Set(digests)])) {
      const rows = await this.db
        .selectFrom('repository_blobs')
        .select('digest')
        .where('repository_id', '=', repositoryId)
        .where('digest', 'in', batch)
        .execute();
      for (const row of rows) linked.add(row.digest);
    }
    return linked;
  }

  async totalSize(): Promise<number> {
    const row = await this.db
      .selectFrom('blobs')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('size'), eb.lit(0)).as('total'))
      .executeTakeFirst();
    return Number(row?.total ?? 0);
  }
}
