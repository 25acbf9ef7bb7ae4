import type { Kysely, Selectable } from 'kysely';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import type { PagedResult, RobotPermission } from '../../ports/identity-store.js';
import type {
  NewPersonalToken,
  PersonalTokenQuery,
  PersonalTokenRecord,
  PersonalTokenRecords,
} from '../../ports/personal-token-records.js';
import type { Database, PersonalTokensTable } from './database.js';
import { isForeignKeyViolation, uniqueViolationColumns } from './identity/constraint-errors.js';
import { containsIgnoringCase, countOf, pageBounds } from './identity/query-helpers.js';
import { bindPermissions } from './identity/robot-records.js';

type Row = Selectable<PersonalTokensTable> & { owner_name: string };

function toRecord(row: Row): PersonalTokenRecord {
  const permissions: unknown = JSON.parse(row.permissions);
  if (!Array.isArray(permissions)) throw new Error(`personal token ${row.id} has malformed permissions`);
  const at = (value: number | null) => (value === null ? null : new Date(Number(value)));
  return {
    id: row.id,
    userId: row.user_id,
    ownerName: row.owner_name,
    name: row.name,
    description: row.description,
    permissions: permissions as RobotPermission[],
    secretHash: row.secret_hash,
    durationDays: row.duration_days,
    expiresAt: at(row.expires_at),
    createdAt: new Date(Number(row.created_at)),
    lastUsedAt: at(row.last_used_at),
  };
}

/** Personal access tokens over Kysely; only tokens of users that are not deleted are ever read. */
export class KyselyPersonalTokenRecords implements PersonalTokenRecords {
  constructor(private readonly db: Kysely<Database>) {}

  private rows() {
    return this.db
      .selectFrom('personal_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .where('u.deleted', '=', 0);
  }

  async create(token: NewPersonalToken): Promise<PersonalTokenRecord> {
    const owner = await this.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', token.userId)
      .where('deleted', '=', 0)
      .executeTakeFirst();
    if (!owner) throw new NotFoundError('user', String(token.userId));
    let id: number;
    try {
      const row = await this.db
        .insertInto('personal_tokens')
        .values({
          user_id: token.userId,
          name: token.name,
          description: token.description,
          permissions: JSON.stringify(await bindPermissions(this.db, token.permissions)),
          secret_hash: token.secretHash,
          duration_days: token.durationDays,
          expires_at: token.expiresAt === null ? null : token.expiresAt.getTime(),
          created_at: token.createdAt.getTime(),
          last_used_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = row.id;
    } catch (error) {
      const columns = uniqueViolationColumns(error);
      if (columns?.includes('name')) throw new ConflictError(`a personal access token named ${token.name} exists`);
      if (columns !== undefined) throw new ConflictError('the token secret collides; try again');
      if (isForeignKeyViolation(error)) throw new NotFoundError('user', String(token.userId));
      throw error;
    }
    const created = await this.get(id);
    if (!created) throw new NotFoundError('user', String(token.userId));
    return created;
  }

  async get(id: number): Promise<PersonalTokenRecord | undefined> {
    const row = await this.rows()
      .selectAll('t')
      .select('u.username as owner_name')
      .where('t.id', '=', id)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async getBySecretHash(secretHash: string): Promise<PersonalTokenRecord | undefined> {
    const row = await this.rows()
      .selectAll('t')
      .select('u.username as owner_name')
      .where('t.secret_hash', '=', secretHash)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async list(query: PersonalTokenQuery): Promise<PagedResult<PersonalTokenRecord>> {
    let filtered = this.rows();
    if (query.userId !== undefined) filtered = filtered.where('t.user_id', '=', query.userId);
    const owner = query.ownerName;
    if (owner !== undefined) {
      filtered = owner.exact
        ? filtered.where('u.username', '=', owner.value)
        : filtered.where((eb) => containsIgnoringCase(eb.ref('u.username'), owner.value));
    }
    const total = countOf(await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const { offset, limit } = pageBounds(query);
    const rows = await filtered
      .selectAll('t')
      .select('u.username as owner_name')
      .orderBy('t.id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return { items: rows.map(toRecord), total };
  }

  async touch(id: number, at: Date, notAfter: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('personal_tokens')
      .set({ last_used_at: at.getTime() })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', notAfter.getTime())]))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('personal_tokens').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
