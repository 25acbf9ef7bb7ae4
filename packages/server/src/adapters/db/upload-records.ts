import type { Kysely, Selectable } from 'kysely';
import type { UploadRecord, UploadRecords } from '../../ports/metadata-store.js';
import type { Database, UploadsTable } from './database.js';

function toRecord(row: Selectable<UploadsTable>): UploadRecord {
  return {
    id: row.id,
    repository: row.repository,
    startedAt: new Date(row.started_at),
    updatedAt: new Date(row.updated_at),
    ...(row.writer_state === null ? {} : { writerState: row.writer_state }),
    ...(Number(row.fence) > 0 ? { fence: Number(row.fence) } : {}),
  };
}

export class KyselyUploadRecords implements UploadRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async create(upload: UploadRecord): Promise<void> {
    await this.db
      .insertInto('uploads')
      .values({
        id: upload.id,
        repository: upload.repository,
        started_at: upload.startedAt.getTime(),
        updated_at: upload.updatedAt.getTime(),
        writer_state: upload.writerState ?? null,
      })
      .execute();
  }

  async get(id: string): Promise<UploadRecord | undefined> {
    const row = await this.db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async touch(id: string, at: Date, writerState?: string, fence?: number): Promise<boolean> {
    // One conditional statement: a writer holding an older lease token matches no row.
    let update = this.db
      .updateTable('uploads')
      .set({
        updated_at: at.getTime(),
        ...(writerState === undefined ? {} : { writer_state: writerState }),
        ...(fence === undefined ? {} : { fence }),
      })
      .where('id', '=', id);
    if (fence !== undefined) update = update.where('fence', '<=', fence);
    const result = await update.executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('uploads').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async staleSince(before: Date, limit: number): Promise<UploadRecord[]> {
    const rows = await this.db
      .selectFrom('uploads')
      .selectAll()
      .where('updated_at', '<', before.getTime())
      .orderBy('updated_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }
}
