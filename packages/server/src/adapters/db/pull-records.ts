import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { PullBatch, PullRecords } from '../../ports/metadata-store.js';
import type { Database } from './database.js';
import { inTransaction } from './identity/query-helpers.js';

/** Pull counts and times, written by the registry's pull recorder in small batches. */
export class KyselyPullRecords implements PullRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async record(batch: PullBatch): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      for (const { id, count } of batch.repositories) {
        await tx
          .updateTable('repositories')
          .set({ pull_count: sql`pull_count + ${count}` })
          .where('id', '=', id)
          .execute();
      }
      for (const { id, at } of batch.manifests) {
        await tx
          .updateTable('manifests')
          .set({ pulled_at: at.getTime() })
          .where('id', '=', id)
          .where((eb) => eb.or([eb('pulled_at', 'is', null), eb('pulled_at', '<', at.getTime())]))
          .execute();
      }
      for (const { repositoryId, name, at } of batch.tags) {
        await tx
          .updateTable('tags')
          .set({ pulled_at: at.getTime() })
          .where('repository_id', '=', repositoryId)
          .where('name', '=', name)
          .where((eb) => eb.or([eb('pulled_at', 'is', null), eb('pulled_at', '<', at.getTime())]))
          .execute();
      }
    });
  }
}
