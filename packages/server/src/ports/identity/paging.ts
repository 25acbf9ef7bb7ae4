/** Harbor's offset paging: `page` counts from 1. */
export interface PageQuery {
  readonly page: number;
  readonly pageSize: number;
}

export interface PagedResult<T> {
  readonly items: T[];
  /** Matching rows over all pages. */
  readonly total: number;
}

export type SortDirection = 'asc' | 'desc';
