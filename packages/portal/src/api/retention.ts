import { apiCall, apiJson, request, API_BASE } from './http';
import { apiPage, type ListQuery, type Page } from './paging';
import type { components } from './schema';

type Schemas = components['schemas'];
export type RetentionPolicy = Schemas['RetentionPolicy'];
export type RetentionRule = Schemas['RetentionRule'];
export type RetentionSelector = Schemas['RetentionSelector'];
export type RetentionExecution = Schemas['RetentionExecution'];
export type RetentionExecutionTask = Schemas['RetentionExecutionTask'];
export type RetentionTemplate = RetentionRule['template'];

/** The templates in Harbor's order, with the unit of their one parameter (none for `always`). */
export const RETENTION_TEMPLATES: readonly { template: RetentionTemplate; unit?: 'COUNT' | 'DAYS' }[] = [
  { template: 'latestPushedK', unit: 'COUNT' },
  { template: 'latestPulledN', unit: 'COUNT' },
  { template: 'nDaysSinceLastPush', unit: 'DAYS' },
  { template: 'nDaysSinceLastPull', unit: 'DAYS' },
  { template: 'always' },
];

export const MAX_RETENTION_RULES = 15;

/** A new policy for the project with these rules and schedule (empty cron: manual runs only). */
export function newPolicy(projectId: number, rules: RetentionRule[], cron: string): RetentionPolicy {
  return {
    id: 0,
    algorithm: 'or',
    rules,
    trigger: { kind: 'Schedule', settings: { cron }, references: {} },
    scope: { level: 'project', ref: projectId },
  };
}

export function getRetention(id: number): Promise<RetentionPolicy> {
  return apiJson<RetentionPolicy>(`/retentions/${id}`);
}

/** Creates the project's policy; resolves with its id (from `Location`). */
export async function createRetention(policy: RetentionPolicy): Promise<number> {
  const res = await request(`${API_BASE}/retentions`, { method: 'POST', json: policy });
  return Number(res.headers.get('Location')?.split('/').at(-1));
}

export function updateRetention(policy: RetentionPolicy): Promise<void> {
  return apiCall(`/retentions/${policy.id}`, { method: 'PUT', json: policy });
}

export function runRetention(id: number, dryRun: boolean): Promise<void> {
  return apiCall(`/retentions/${id}/executions`, { method: 'POST', json: { dry_run: dryRun } });
}

export function stopRetentionExecution(id: number, executionId: number): Promise<void> {
  return apiCall(`/retentions/${id}/executions/${executionId}`, { method: 'PATCH', json: { action: 'stop' } });
}

export function listRetentionExecutions(id: number, query: ListQuery): Promise<Page<RetentionExecution>> {
  return apiPage<RetentionExecution>(`/retentions/${id}/executions`, query);
}

export function listRetentionTasks(
  id: number,
  executionId: number,
  query: ListQuery,
): Promise<Page<RetentionExecutionTask>> {
  return apiPage<RetentionExecutionTask>(`/retentions/${id}/executions/${executionId}/tasks`, query);
}

export async function retentionTaskLog(id: number, executionId: number, taskId: number): Promise<string> {
  const res = await request(`${API_BASE}/retentions/${id}/executions/${executionId}/tasks/${taskId}`);
  return res.text();
}
