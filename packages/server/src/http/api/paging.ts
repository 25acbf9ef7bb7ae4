import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageQuery } from '../../ports/identity-store.js';
import { HarborError } from '../error-handler.js';

/** Harbor's defaults and limit for `page_size`. */
export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

function positiveInteger(name: string, raw: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined || raw === '') return fallback;
  const value = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= max)) {
    throw new HarborError('BAD_REQUEST', `${name} must be an integer from 1 to ${max}`);
  }
  return value;
}

/** `page` (from 1) and `page_size` (1-100, default 10) of the query string. */
export function pageOf(query: Readonly<Record<string, unknown>>): PageQuery {
  return {
    page: positiveInteger('page', query.page, 1),
    pageSize: positiveInteger('page_size', query.page_size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  };
}

/**
 * Harbor's paging headers: `X-Total-Count`, and `Link` with the previous and next pages (the request's own path
 * and query with `page` and `page_size` replaced), joined by " , " as Harbor writes them.
 */
export function setPagingHeaders(req: FastifyRequest, reply: FastifyReply, page: PageQuery, total: number): void {
  void reply.header('X-Total-Count', String(total));
  const [path = '', search = ''] = req.url.split('?', 2);
  const link = (target: number, rel: string) => {
    const params = new URLSearchParams(search);
    params.set('page', String(target));
    params.set('page_size', String(page.pageSize));
    return `<${path}?${params.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page.page > 1) links.push(link(page.page - 1, 'prev'));
  if (page.page * page.pageSize < total) links.push(link(page.page + 1, 'next'));
  if (links.length > 0) void reply.header('Link', links.join(' , '));
}
