import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import type { NewPasswordReset, PasswordResetRecords } from '../../ports/password-reset-records.js';
import type { Database } from './database.js';
import { isForeignKeyViolation, uniqueViolationColumns } from './identity/constraint-errors.js';

export class KyselyPasswordResetRecords implements PasswordResetRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async create(reset: NewPasswordReset): Promise<void> {
    try {
      await this.db
        .insertInto('password_resets')
        .values({
          token_hash: reset.tokenHash,
          user_id: reset.userId,
          created_at: reset.createdAt.getTime(),
          expires_at: reset.expiresAt.getTime(),
          used_at: null,
        })
        .execute();
    } catch (error) {
      if (uniqueViolationColumns(error) !== undefined) throw new ConflictError('the reset token already exists');
      if (isForeignKeyViolation(error)) throw new NotFoundError('user', String(reset.userId));
      throw error;
    }
  }

  async consume(tokenHash: string, at: Date): Promise<number | undefined> {
    const row = await this.db
      .updateTable('password_resets')
      .set({ used_at: at.getTime() })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', at.getTime())
      .returning('user_id')
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.user_id);
  }

  async revokeForUser(userId: number, at: Date): Promise<number> {
    const result = await this.db
      .updateTable('password_resets')
      .set({ used_at: at.getTime() })
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async purgeExpired(before: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('password_resets')
      .where('expires_at', '<', before.getTime())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
