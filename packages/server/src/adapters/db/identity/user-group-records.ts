import type { Kysely } from 'kysely';
import { ConflictError } from '../../../domain/errors.js';
import type { ExternalGroup, GroupType } from '../../../ports/identity-provider.js';
import type {
  NewUserGroup,
  PagedResult,
  UserGroupQuery,
  UserGroupRecord,
  UserGroupRecords,
} from '../../../ports/identity-store.js';
import type { Database } from '../database.js';
import { uniqueViolationColumns } from './constraint-errors.js';
import { containsIgnoringCase, countOf, inTransaction, pageBounds } from './query-helpers.js';

interface GroupRow {
  id: number;
  group_name: string;
  group_type: number;
  ldap_group_dn: string | null;
  created_at: number | string;
  updated_at: number | string;
}

function toRecord(row: GroupRow): UserGroupRecord {
  return {
    id: row.id,
    name: row.group_name,
    type: row.group_type as GroupType,
    ldapDn: row.ldap_group_dn,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

/** What identifies a group within its type: an LDAP group's DN (case-insensitive), the others' names. */
export function groupKey(group: { readonly type: GroupType; readonly name: string; readonly ldapDn?: string | null }) {
  if (group.type === 1) {
    if (!group.ldapDn) throw new Error('an LDAP group needs its DN');
    return `1:${group.ldapDn.toLowerCase()}`;
  }
  return `${group.type}:${group.name}`;
}

const COLUMNS = ['id', 'group_name', 'group_type', 'ldap_group_dn', 'created_at', 'updated_at'] as const;

export class KyselyUserGroupRecords implements UserGroupRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async create(group: NewUserGroup): Promise<UserGroupRecord> {
    const now = Date.now();
    try {
      const row = await this.db
        .insertInto('user_groups')
        .values({
          group_name: group.name,
          group_type: group.type,
          ldap_group_dn: group.type === 1 ? (group.ldapDn ?? null) : null,
          group_key: groupKey(group),
          created_at: now,
          updated_at: now,
        })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
      return toRecord(row);
    } catch (error) {
      if (uniqueViolationColumns(error) !== undefined) {
        throw new ConflictError(
          group.type === 1
            ? `an LDAP group with DN ${JSON.stringify(group.ldapDn)} exists already`
            : `a group named ${JSON.stringify(group.name)} of this type exists already`,
        );
      }
      throw error;
    }
  }

  async get(id: number): Promise<UserGroupRecord | undefined> {
    const row = await this.db.selectFrom('user_groups').select(COLUMNS).where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(query: UserGroupQuery): Promise<PagedResult<UserGroupRecord>> {
    let filtered = this.db.selectFrom('user_groups');
    if (query.type !== undefined) filtered = filtered.where('group_type', '=', query.type);
    if (query.name !== undefined && query.name !== '') {
      const name = query.name;
      filtered = filtered.where((eb) => containsIgnoringCase(eb.ref('group_name'), name));
    }
    if (query.ldapDn !== undefined && query.ldapDn !== '') {
      filtered = filtered.where('group_key', '=', groupKey({ type: 1, name: '', ldapDn: query.ldapDn }));
    }
    const total = countOf(await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const { offset, limit } = pageBounds(query);
    const rows = await filtered.select(COLUMNS).orderBy('id').limit(limit).offset(offset).execute();
    return { items: rows.map(toRecord), total };
  }

  async rename(id: number, name: string): Promise<UserGroupRecord | undefined> {
    return inTransaction(this.db, async (tx) => {
      const current = await new KyselyUserGroupRecords(tx).get(id);
      if (!current) return undefined;
      try {
        await tx
          .updateTable('user_groups')
          .set({ group_name: name, group_key: groupKey({ ...current, name }), updated_at: Date.now() })
          .where('id', '=', id)
          .execute();
      } catch (error) {
        if (uniqueViolationColumns(error) !== undefined) {
          throw new ConflictError(`a group named ${JSON.stringify(name)} of this type exists already`);
        }
        throw error;
      }
      return new KyselyUserGroupRecords(tx).get(id);
    });
  }

  async delete(id: number): Promise<boolean> {
    return inTransaction(this.db, async (tx) => {
      await tx.deleteFrom('project_members').where('entity_type', '=', 'g').where('entity_id', '=', id).execute();
      await tx.deleteFrom('user_group_members').where('group_id', '=', id).execute();
      const result = await tx.deleteFrom('user_groups').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  async ensure(groups: readonly ExternalGroup[]): Promise<UserGroupRecord[]> {
    const records: UserGroupRecord[] = [];
    const seen = new Set<string>();
    for (const group of groups) {
      const key = groupKey(group);
      if (seen.has(key)) continue;
      seen.add(key);
      const now = Date.now();
      // Insert-or-nothing, then read: two logins of members of a new group both end with the one row.
      await this.db
        .insertInto('user_groups')
        .values({
          group_name: group.name,
          group_type: group.type,
          ldap_group_dn: group.type === 1 ? (group.ldapDn ?? null) : null,
          group_key: key,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('group_key').doNothing())
        .execute();
      const row = await this.db
        .selectFrom('user_groups')
        .select(COLUMNS)
        .where('group_key', '=', key)
        .executeTakeFirstOrThrow();
      records.push(toRecord(row));
    }
    return records;
  }

  async setMemberships(userId: number, groupIds: readonly number[]): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const wanted = new Set(groupIds);
      const current = await tx
        .selectFrom('user_group_members')
        .select('group_id')
        .where('user_id', '=', userId)
        .execute();
      const have = new Set(current.map((row) => row.group_id));
      const gone = [...have].filter((id) => !wanted.has(id));
      const added = [...wanted].filter((id) => !have.has(id));
      if (gone.length > 0) {
        await tx.deleteFrom('user_group_members').where('user_id', '=', userId).where('group_id', 'in', gone).execute();
      }
      if (added.length > 0) {
        await tx
          .insertInto('user_group_members')
          .values(added.map((groupId) => ({ user_id: userId, group_id: groupId })))
          .onConflict((oc) => oc.columns(['user_id', 'group_id']).doNothing())
          .execute();
      }
    });
  }

  async groupsOf(userId: number): Promise<UserGroupRecord[]> {
    const rows = await this.db
      .selectFrom('user_group_members')
      .innerJoin('user_groups', 'user_groups.id', 'user_group_members.group_id')
      .select(COLUMNS.map((c) => `user_groups.${c}` as const))
      .where('user_group_members.user_id', '=', userId)
      .orderBy('user_groups.id')
      .execute();
    return rows.map(toRecord);
  }
}
