import type { Kysely, Selectable } from 'kysely';
import { ConflictError } from '../../../domain/errors.js';
import type {
  NewUser,
  PagedResult,
  UserProfile,
  UserQuery,
  UserRecord,
  UserRecords,
} from '../../../ports/identity-store.js';
import type { Database, UsersTable } from '../database.js';
import { uniqueViolationColumns } from './constraint-errors.js';
import { containsIgnoringCase, countOf, inTransaction, pageBounds, toFlag } from './query-helpers.js';

function toRecord(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    realname: row.realname,
    comment: row.comment,
    passwordHash: row.password_hash,
    sysadmin: row.sysadmin === 1,
    adminRoleInAuth: row.admin_role_in_auth === 1,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** Rethrows a unique violation on users as a ConflictError naming the taken value. */
function conflict(error: unknown, user: { username?: string; email?: string | null | undefined }): unknown {
  const columns = uniqueViolationColumns(error);
  if (columns?.includes('username')) return new ConflictError(`username ${user.username ?? ''} is already taken`);
  if (columns?.includes('email')) return new ConflictError(`email ${user.email ?? ''} is already taken`);
  return error;
}

const sortColumns = { id: 'id', username: 'username', email: 'email', createdAt: 'created_at' } as const;

export class KyselyUserRecords implements UserRecords {
  constructor(private readonly db: Kysely<Database>) {}

  private live() {
    return this.db.selectFrom('users').selectAll().where('deleted', '=', 0);
  }

  async create(user: NewUser): Promise<UserRecord> {
    const now = Date.now();
    try {
      const row = await this.db
        .insertInto('users')
        .values({
          username: user.username,
          email: user.email ?? null,
          realname: user.realname ?? '',
          comment: user.comment ?? '',
          password_hash: user.passwordHash ?? null,
          sysadmin: toFlag(user.sysadmin ?? false),
          deleted: 0,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(row);
    } catch (error) {
      throw conflict(error, user);
    }
  }

  async get(id: number): Promise<UserRecord | undefined> {
    const row = await this.live().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async getByName(username: string): Promise<UserRecord | undefined> {
    const row = await this.live().where('username', '=', username).executeTakeFirst();
    return row && toRecord(row);
  }

  async getByEmail(email: string): Promise<UserRecord | undefined> {
    const row = await this.live().where('email', '=', email).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(query: UserQuery): Promise<PagedResult<UserRecord>> {
    let filtered = this.db.selectFrom('users').where('deleted', '=', 0);
    const q = query.q;
    if (q !== undefined && q !== '') {
      filtered = filtered.where((eb) =>
        eb.or([containsIgnoringCase(eb.ref('username'), q), containsIgnoringCase(eb.ref('email'), q)]),
      );
    }
    for (const [column, match] of [
      ['username', query.username],
      ['email', query.email],
    ] as const) {
      if (match === undefined) continue;
      filtered = match.exact
        ? filtered.where(column, '=', match.value)
        : filtered.where((eb) => containsIgnoringCase(eb.ref(column), match.value));
    }
    const total = countOf(await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const { offset, limit } = pageBounds(query);
    const sort = query.sort ?? { by: 'id', direction: 'asc' };
    const rows = await filtered
      .selectAll()
      .orderBy(sortColumns[sort.by], sort.direction)
      .orderBy('id', sort.direction)
      .limit(limit)
      .offset(offset)
      .execute();
    return { items: rows.map(toRecord), total };
  }

  async updateProfile(id: number, profile: UserProfile): Promise<UserRecord | undefined> {
    try {
      const row = await this.db
        .updateTable('users')
        .set({
          ...(profile.email !== undefined && { email: profile.email }),
          ...(profile.realname !== undefined && { realname: profile.realname }),
          ...(profile.comment !== undefined && { comment: profile.comment }),
          updated_at: Date.now(),
        })
        .where('id', '=', id)
        .where('deleted', '=', 0)
        .returningAll()
        .executeTakeFirst();
      return row && toRecord(row);
    } catch (error) {
      throw conflict(error, profile);
    }
  }

  async setPasswordHash(id: number, passwordHash: string | null): Promise<boolean> {
    return this.updateLive(id, { password_hash: passwordHash });
  }

  async setSysadmin(id: number, sysadmin: boolean): Promise<boolean> {
    return this.updateLive(id, { sysadmin: toFlag(sysadmin) });
  }

  async delete(id: number): Promise<boolean> {
    return inTransaction(this.db, async (tx) => {
      const user = await tx
        .selectFrom('users')
        .select(['username', 'email'])
        .where('id', '=', id)
        .where('deleted', '=', 0)
        .executeTakeFirst();
      if (!user) return false;
      // As Harbor: keep the row, free the name and email for new accounts.
      await tx
        .updateTable('users')
        .set({
          username: `${user.username}#${id}`,
          email: user.email === null ? null : `${user.email}#${id}`,
          password_hash: null,
          sysadmin: 0,
          deleted: 1,
          updated_at: Date.now(),
        })
        .where('id', '=', id)
        .execute();
      await tx.deleteFrom('project_members').where('entity_type', '=', 'u').where('entity_id', '=', id).execute();
      await tx.deleteFrom('user_group_members').where('user_id', '=', id).execute();
      return true;
    });
  }

  async setAdminRoleInAuth(id: number, admin: boolean): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set({ admin_role_in_auth: toFlag(admin) })
      .where('id', '=', id)
      .where('deleted', '=', 0)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async countOtherThan(username: string): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('deleted', '=', 0)
      .where('username', '<>', username)
      .executeTakeFirst();
    return countOf(row);
  }

  private async updateLive(id: number, set: { password_hash?: string | null; sysadmin?: 0 | 1 }): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set({ ...set, updated_at: Date.now() })
      .where('id', '=', id)
      .where('deleted', '=', 0)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
