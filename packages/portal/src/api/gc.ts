import { API_BASE, apiCall, apiJson, request } from './http';
import type { GCHistory, Schedule } from './models';
import { apiPage, type ListQuery, type Page } from './paging';

/** Harbor's GC job parameters. */
export interface GcParameters {
  readonly delete_untagged?: boolean;
  readonly dry_run?: boolean;
  readonly workers?: number;
  readonly time_window?: number;
}

/** Harbor's schedule types; `Manual` runs now, `None` removes the schedule. */
export type GcScheduleType = 'None' | 'Hourly' | 'Daily' | 'Weekly' | 'Custom' | 'Manual';

/** The runs, newest first. */
export function gcHistory(query: ListQuery): Promise<Page<GCHistory>> {
  return apiPage<GCHistory>('/system/gc', { page: query.page, pageSize: query.pageSize });
}

/** The schedule; null when there is none (the server answers an empty object). */
export async function gcSchedule(): Promise<GCHistory | null> {
  const schedule = await apiJson<GCHistory>('/system/gc/schedule');
  return schedule?.schedule ? schedule : null;
}

/** Starts a run now with `parameters` (409 while one is pending or running). */
export function runGc(parameters: GcParameters): Promise<void> {
  const body: Schedule = { schedule: { type: 'Manual' }, parameters: { ...parameters } };
  return apiCall('/system/gc/schedule', { method: 'POST', json: body });
}

/** Sets (or with `None` removes) the schedule. */
export function setGcSchedule(type: GcScheduleType, cron: string | undefined, parameters: GcParameters): Promise<void> {
  const body: Schedule = { schedule: { type, ...(cron ? { cron } : {}) }, parameters: { ...parameters } };
  return apiCall('/system/gc/schedule', { method: 'PUT', json: body });
}

export function stopGc(id: number): Promise<void> {
  return apiCall(`/system/gc/${id}`, { method: 'PUT' });
}

/** A run's log as plain text. */
export async function gcLog(id: number): Promise<string> {
  return (await request(`${API_BASE}/system/gc/${id}/log`)).text();
}

/** The parameters and (once done) the result of a run, from its `job_parameters` JSON. */
export interface GcRunDetails extends GcParameters {
  readonly purged_artifacts?: number;
  readonly purged_blobs?: number;
  readonly freed_space?: number;
}

export function gcDetails(run: GCHistory): GcRunDetails {
  try {
    const parsed: unknown = JSON.parse(run.job_parameters ?? '{}');
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}
