import { API_BASE, request, type RequestOptions } from './http';

/** A list request as Harbor pages, sorts and filters it (`page`, `page_size`, `sort=-name`, `q=name=~abc`). */
export interface ListQuery {
  readonly page: number;
  readonly pageSize: number;
  readonly sort?: string | undefined;
  readonly q?: string | undefined;
}

/** One page of a list and the total count from `X-Total-Count`. */
export interface Page<T> {
  readonly items: T[];
  readonly total: number;
}

export function listParams(query: ListQuery): Record<string, string | number | undefined> {
  return { page: query.page, page_size: query.pageSize, sort: query.sort || undefined, q: query.q || undefined };
}

/** Harbor's fuzzy match term `key=~value`; empty when there is nothing to search. */
export function fuzzy(key: string, value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? `${key}=~${trimmed}` : undefined;
}

/** GETs one page of a list under /api/v2.0. */
export async function apiPage<T>(path: string, query: ListQuery, opts: RequestOptions = {}): Promise<Page<T>> {
  const res = await request(API_BASE + path, { ...opts, query: { ...listParams(query), ...opts.query } });
  const items = (await res.json()) as T[] | null;
  const total = Number(res.headers.get('X-Total-Count') ?? items?.length ?? 0);
  return { items: items ?? [], total };
}
