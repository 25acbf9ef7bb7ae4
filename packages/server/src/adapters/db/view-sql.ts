import { sql } from 'kysely';
import type { Expression, RawBuilder, SqlBool } from 'kysely';
import type { SortKey, ValueMatch } from '../../ports/metadata-queries.js';
import { containsIgnoringCase } from './identity/query-helpers.js';

/** SQL pieces shared by the management views of repositories, artifacts and tags. */

/** `expression` matches the filter: equal to one of the values, or containing the text. */
export function valueMatches(expression: Expression<string | null>, match: ValueMatch): RawBuilder<SqlBool> {
  if ('contains' in match) return containsIgnoringCase(expression, match.contains);
  if (match.anyOf.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`${expression} in (${sql.join(match.anyOf)})`;
}

/** The same test in memory. */
export function valueMatchesText(value: string, match: ValueMatch): boolean {
  if ('contains' in match) return value.toLowerCase().includes(match.contains.toLowerCase());
  return match.anyOf.includes(value);
}

/**
 * Whether the manifest aliased `m` is listed as an artifact (Harbor's default artifact view): it has no subject,
 * and it is tagged or no index of its repository contains it.
 */
export const LISTED_ARTIFACT = sql<SqlBool>`(m.subject is null and (
  exists (select 1 from tags lt where lt.manifest_id = m.id)
  or not exists (
    select 1 from manifest_references lr inner join manifests lp on lp.id = lr.manifest_id
    where lr.digest = m.digest and lr.kind = 'manifest' and lp.repository_id = m.repository_id)))`;

/** `order by` items for the requested keys, then `tieBreak`; the column of each key comes from `columns`. */
export function orderItems<K extends string>(
  sort: readonly SortKey<K>[] | undefined,
  fallback: readonly SortKey<K>[],
  columns: Readonly<Record<K, RawBuilder<unknown>>>,
  tieBreak: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const keys = sort && sort.length > 0 ? sort : fallback;
  const items = keys.map((key) => sql`${columns[key.by]} ${sql.raw(key.direction === 'desc' ? 'desc' : 'asc')}`);
  return sql.join([...items, sql`${tieBreak} desc`]);
}
