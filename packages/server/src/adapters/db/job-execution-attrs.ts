import type { Kysely } from 'kysely';
import type { JsonObject } from '../../ports/jobs.js';
import type { Database, SqlDialect } from './database.js';

/**
 * JobRecords.mergeExtraAttrs: reads the execution's extra attributes (locking its row on PostgreSQL), merges
 * `attrs` into them and writes them back in one transaction, so concurrent merges do not lose each other's keys.
 */
export async function mergeExecutionAttrs(
  db: Kysely<Database>,
  dialect: SqlDialect,
  id: number,
  attrs: JsonObject,
  now: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('job_executions')
      .select('extra_attrs')
      .where('id', '=', id)
      .$if(dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
    if (!row) return false;
    const merged = { ...(JSON.parse(row.extra_attrs) as JsonObject), ...attrs };
    await trx
      .updateTable('job_executions')
      .set({ extra_attrs: JSON.stringify(merged), update_time: now })
      .where('id', '=', id)
      .execute();
    return true;
  });
}
