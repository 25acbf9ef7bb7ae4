/** Bind parameters per `in (...)` list: far below SQLite's and PostgreSQL's limits. */
export const IN_LIST_BATCH = 500;

/** Splits `items` into consecutive arrays of at most `size` elements. */
export function batches<T>(items: readonly T[], size: number = IN_LIST_BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
