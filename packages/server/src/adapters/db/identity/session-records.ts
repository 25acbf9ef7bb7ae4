import type { Kysely, Selectable } from 'kysely';
import type { NewSession, SessionRecord, SessionRecords } from '../../../ports/identity-store.js';
import type { Database, SessionsTable } from '../database.js';
import { ConflictError, NotFoundError } from '../../../domain/errors.js';
import { isForeignKeyViolation, uniqueViolationColumns } from './constraint-errors.js';

function toRecord(row: Selectable<SessionsTable>): SessionRecord {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    credentialStamp: row.credential_stamp,
    clientIp: row.client_ip,
    createdAt: new Date(row.created_at),
    lastSeenAt: new Date(row.last_seen_at),
    expiresAt: new Date(row.expires_at),
  };
}

export class KyselySessionRecords implements SessionRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async create(session: NewSession): Promise<SessionRecord> {
    try {
      const row = await this.db
        .insertInto('sessions')
        .values({
          id_hash: session.idHash,
          user_id: session.userId,
          credential_stamp: session.credentialStamp,
          client_ip: session.clientIp,
          created_at: session.createdAt.getTime(),
          last_seen_at: session.lastSeenAt.getTime(),
          expires_at: session.expiresAt.getTime(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(row);
    } catch (error) {
      if (uniqueViolationColumns(error) !== undefined) throw new ConflictError('the session already exists');
      if (isForeignKeyViolation(error)) throw new NotFoundError('user', String(session.userId));
      throw error;
    }
  }

  async get(idHash: string): Promise<SessionRecord | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    return row && toRecord(row);
  }

  async touch(idHash: string, lastSeenAt: Date, expiresAt: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('sessions')
      .set({ last_seen_at: lastSeenAt.getTime(), expires_at: expiresAt.getTime() })
      .where('id_hash', '=', idHash)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(idHash: string): Promise<boolean> {
    const result = await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async deleteByUser(userId: number): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async purgeExpired(now: Date): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_at', '<=', now.getTime()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
