import type { TablePaginationConfig, TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { ListQuery } from '../api/paging';

export interface ListQueryOptions {
  /** Harbor sort expression used when the user has not chosen one, e.g. `-creation_time`. */
  readonly defaultSort?: string;
  readonly defaultPageSize?: number;
  /** Distinguishes the parameters of several lists on one page. */
  readonly prefix?: string;
}

export interface ListQueryState {
  readonly page: number;
  readonly pageSize: number;
  readonly sort: string | undefined;
  /** The search box's text (the caller turns it into Harbor's `q`). */
  readonly search: string;
  readonly setSearch: (text: string) => void;
  /** The ListQuery for the API, with the caller's `q`. */
  readonly query: (q?: string) => ListQuery;
  /** Server-side pagination and sorting for an antd Table showing `total` rows. */
  readonly tableProps: <T>(total: number | undefined) => Pick<TableProps<T>, 'pagination' | 'onChange'>;
  /** antd's sort order for a column, to show the active sort. */
  readonly sortOrder: (key: string) => 'ascend' | 'descend' | null;
}

const PAGE_SIZES = [10, 25, 50, 100];

/**
 * Page, page size, sort and search of a server-side list, kept in the URL so that reload, back and forward keep
 * the user's place.
 */
export function useListQuery(opts: ListQueryOptions = {}): ListQueryState {
  const [params, setParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const name = (key: string) => (opts.prefix ? `${opts.prefix}.${key}` : key);
  const number = (key: string, fallback: number) => {
    const value = Number(params.get(name(key)));
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  const page = number('page', 1);
  const pageSize = number('size', opts.defaultPageSize ?? 25);
  const sort = params.get(name('sort')) ?? opts.defaultSort;
  const search = params.get(name('q')) ?? '';

  const update = (changes: Record<string, string | undefined>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value === undefined || value === '') next.delete(name(key));
          else next.set(name(key), value);
        }
        return next;
      },
      { replace: true },
    );

  return {
    page,
    pageSize,
    sort,
    search,
    setSearch: (text) => update({ q: text, page: undefined }),
    query: (q) => ({ page, pageSize, sort, q }),
    tableProps: (total) => ({
      pagination: {
        current: page,
        pageSize,
        total,
        showSizeChanger: true,
        pageSizeOptions: PAGE_SIZES,
        showTotal: (all) => t('common.total', { total: all.toLocaleString(i18n.language) }),
      } satisfies TablePaginationConfig,
      onChange: (pagination, _filters, sorter) => {
        const one = Array.isArray(sorter) ? sorter[0] : sorter;
        const key = typeof one?.columnKey === 'string' ? one.columnKey : undefined;
        const nextSort = key && one?.order ? `${one.order === 'descend' ? '-' : ''}${key}` : undefined;
        const sortChanged = (nextSort ?? opts.defaultSort) !== sort;
        update({
          page: sortChanged ? undefined : String(pagination.current ?? 1),
          size: String(pagination.pageSize ?? pageSize),
          sort: nextSort,
        });
      },
    }),
    sortOrder: (key) => {
      if (sort === key) return 'ascend';
      if (sort === `-${key}`) return 'descend';
      return null;
    },
  };
}
