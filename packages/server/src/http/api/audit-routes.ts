import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditFilter, AuditService } from '../../audit/audit-service.js';
import type { AuditRecord, AuditSortBy } from '../../ports/audit-records.js';
import type { ValueMatch } from '../../ports/metadata-queries.js';
import { HarborError } from '../error-handler.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { expectKeys, parseQuery, parseSort, valueMatchOf, type QueryValue } from './query.js';
import { securityOf } from './security.js';

const SORT_FIELDS: Readonly<Record<string, AuditSortBy>> = {
  id: 'id',
  op_time: 'opTime',
  username: 'username',
  operation: 'operation',
  resource: 'resource',
  resource_type: 'resourceType',
};

const QUERY_KEYS = ['username', 'operation', 'resource', 'resource_type', 'op_time', 'event_type'];

/**
 * A time of `op_time=[from~to]`: Harbor's `2006-01-02 15:04:05` (UTC), an ISO 8601 date-time, or seconds since the
 * epoch.
 */
function timeOf(raw: string): number {
  const text = raw.trim();
  if (/^\d{1,12}$/.test(text)) return Number(text) * 1000;
  const iso = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text.replace(' ', 'T')}Z` : text;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new HarborError('BAD_REQUEST', `op_time: ${JSON.stringify(raw)} is not a time`);
  return ms;
}

function timeRange(value: QueryValue): { from?: number; to?: number } {
  switch (value.kind) {
    case 'range':
      return {
        ...(value.min !== undefined && { from: timeOf(value.min) }),
        ...(value.max !== undefined && { to: timeOf(value.max) }),
      };
    case 'exact': {
      const at = timeOf(value.value);
      return { from: at, to: at };
    }
    case 'fuzzy':
    case 'or':
    case 'and':
      throw new HarborError('BAD_REQUEST', 'q supports op_time=[from~to] and op_time=time');
  }
}

/** Harbor's `q`, `sort` and paging of the audit lists. */
function filterOf(req: FastifyRequest): { filter: AuditFilter; page: { page: number; pageSize: number } } {
  const query = req.query as Record<string, unknown>;
  const page = pageOf(query);
  const terms = parseQuery(typeof query.q === 'string' ? query.q : undefined);
  expectKeys(terms, QUERY_KEYS);
  const match = (key: string): ValueMatch | undefined => {
    const value = terms.get(key);
    return value && valueMatchOf(key, value);
  };
  const opTime = terms.get('op_time');
  const filter: AuditFilter = {
    username: match('username'),
    operation: match('operation'),
    resource: match('resource'),
    resourceType: match('resource_type'),
    eventType: match('event_type'),
    ...(opTime && timeRange(opTime)),
    sort: parseSort(typeof query.sort === 'string' ? query.sort : undefined, SORT_FIELDS),
    page: page.page,
    pageSize: page.pageSize,
  };
  return { filter, page };
}

function time(ms: number): string {
  return new Date(ms).toISOString();
}

/** Harbor's AuditLog (the legacy list). */
function legacyLog(r: AuditRecord) {
  return {
    id: r.id,
    username: r.username,
    resource: r.resource,
    resource_type: r.resourceType,
    operation: r.operation,
    op_time: time(r.opTime),
  };
}

/** Harbor's AuditLogExt. */
function extLog(r: AuditRecord) {
  return {
    id: r.id,
    username: r.username,
    resource: r.resource,
    resource_type: r.resourceType,
    operation: r.operation,
    operation_description: r.description,
    operation_result: r.success,
    op_time: time(r.opTime),
  };
}

function projectName(req: FastifyRequest): string {
  return (req.params as Record<string, string>).project_name ?? '';
}

/** Harbor's audit log API (swagger tags `auditlog` and `project`). */
export function registerAuditRoutes(api: FastifyInstance, audit: AuditService): void {
  api.get('/audit-logs', async (req, reply) => {
    const { filter, page } = filterOf(req);
    const { items, total } = await audit.list(securityOf(req), true, filter);
    setPagingHeaders(req, reply, page, total);
    return items.map(legacyLog);
  });

  api.get('/auditlog-exts', async (req, reply) => {
    const { filter, page } = filterOf(req);
    const { items, total } = await audit.list(securityOf(req), false, filter);
    setPagingHeaders(req, reply, page, total);
    return items.map(extLog);
  });

  api.get('/auditlog-exts/events', (req, reply) => {
    void reply.send(audit.eventTypes(securityOf(req)).map((event_type) => ({ event_type })));
  });

  api.get('/projects/:project_name/logs', async (req, reply) => {
    const { filter, page } = filterOf(req);
    const { items, total } = await audit.listOfProject(securityOf(req), projectName(req), true, filter);
    setPagingHeaders(req, reply, page, total);
    return items.map(legacyLog);
  });

  api.get('/projects/:project_name/auditlog-exts', async (req, reply) => {
    const { filter, page } = filterOf(req);
    const { items, total } = await audit.listOfProject(securityOf(req), projectName(req), false, filter);
    setPagingHeaders(req, reply, page, total);
    return items.map(extLog);
  });
}
