import { apiCall, apiJson } from './http';
import type { AuditLogExt, GCHistory, Schedule } from './models';
import { apiPage, type Page } from './paging';

/** The filters of the audit log pages, as Harbor's `q` terms. */
export interface AuditFilters {
  readonly username?: string | undefined;
  readonly eventType?: string | undefined;
  readonly resource?: string | undefined;
  /** ISO times of the range's ends. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** Harbor's `op_time` format: `2006-01-02 15:04:05` (UTC). */
function harborTime(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ');
}

/** The `q` of `filters` (fuzzy user and resource, exact event type, a time range). */
export function auditQuery(filters: AuditFilters): string | undefined {
  const terms: string[] = [];
  if (filters.username?.trim()) terms.push(`username=~${filters.username.trim()}`);
  if (filters.eventType) terms.push(`event_type=${filters.eventType}`);
  if (filters.resource?.trim()) terms.push(`resource=~${filters.resource.trim()}`);
  if (filters.from || filters.to) {
    terms.push(`op_time=[${filters.from ? harborTime(filters.from) : ''}~${filters.to ? harborTime(filters.to) : ''}]`);
  }
  return terms.length ? terms.join(',') : undefined;
}

/** One page of records, newest first: every project's (system) or one project's. */
export function auditLogs(
  scope: { project?: string | undefined },
  filters: AuditFilters,
  page: number,
  pageSize: number,
): Promise<Page<AuditLogExt>> {
  const path = scope.project ? `/projects/${encodeURIComponent(scope.project)}/auditlog-exts` : '/auditlog-exts';
  return apiPage<AuditLogExt>(path, { page, pageSize, sort: '-op_time', q: auditQuery(filters) });
}

/** The event types records carry. */
export async function auditEventTypes(): Promise<string[]> {
  const types = await apiJson<{ event_type?: string }[]>('/auditlog-exts/events');
  return (types ?? []).flatMap((t) => (t.event_type ? [t.event_type] : []));
}

/** Harbor's purge parameters. */
export interface PurgeParameters {
  readonly audit_retention_hour: number;
  readonly include_event_types?: string;
  readonly dry_run?: boolean;
}

/** The purge runs, newest first. */
export function purgeHistory(page: number, pageSize: number): Promise<Page<GCHistory>> {
  return apiPage<GCHistory>('/system/purgeaudit', { page, pageSize });
}

/** The purge schedule; null when there is none. */
export async function purgeSchedule(): Promise<GCHistory | null> {
  const schedule = await apiJson<GCHistory>('/system/purgeaudit/schedule');
  return schedule?.schedule ? schedule : null;
}

/** Purges now. */
export function runPurge(parameters: PurgeParameters): Promise<void> {
  const body: Schedule = { schedule: { type: 'Manual' }, parameters: { ...parameters } };
  return apiCall('/system/purgeaudit/schedule', { method: 'POST', json: body });
}

/** Sets (`None` removes) the schedule. */
export function setPurgeSchedule(type: string, parameters: PurgeParameters): Promise<void> {
  const body: Schedule = { schedule: { type }, parameters: { ...parameters } };
  return apiCall('/system/purgeaudit/schedule', { method: 'PUT', json: body });
}
