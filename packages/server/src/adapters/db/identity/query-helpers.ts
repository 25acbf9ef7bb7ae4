import { sql } from 'kysely';
import type { Expression, Kysely, RawBuilder, SqlBool } from 'kysely';
import type { Flag } from '../database.js';
import type { PageQuery } from '../../../ports/identity-store.js';

/** Offset and limit of a 1-based page; nonsensical values are clamped to the first page of one row. */
export function pageBounds(query: PageQuery): { offset: number; limit: number } {
  const limit = Math.max(1, Math.floor(query.pageSize));
  return { offset: (Math.max(1, Math.floor(query.page)) - 1) * limit, limit };
}

/** `column` contains `needle`, ASCII case-insensitively, with LIKE wildcards in `needle` taken literally. */
export function containsIgnoringCase(column: Expression<string | null>, needle: string): RawBuilder<SqlBool> {
  const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`lower(${column}) like lower(${pattern}) escape '\\'`;
}

export function toFlag(value: boolean): Flag {
  return value ? 1 : 0;
}

/** A count(*) result as a number (PostgreSQL returns bigint, which a pool without the int8 parser gives as text). */
export function countOf(row: { n: string | number | bigint } | undefined): number {
  return row === undefined ? 0 : Number(row.n);
}

/** Runs `work` in a transaction, or directly when `db` already is one. */
export async function inTransaction<DB, T>(db: Kysely<DB>, work: (tx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
