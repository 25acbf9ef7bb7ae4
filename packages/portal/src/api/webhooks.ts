import { apiCall, apiJson, request, API_BASE } from './http';
import { apiPage, type ListQuery, type Page } from './paging';
import type { components } from './schema';

type Schemas = components['schemas'];
export type WebhookPolicy = Schemas['WebhookPolicy'];
export type WebhookTarget = Schemas['WebhookTargetObject'];
export type WebhookLastTrigger = Schemas['WebhookLastTrigger'];
export type WebhookExecution = Schemas['WebhookExecution'];
export type WebhookTask = Schemas['WebhookTask'];
export type WebhookTestOutcome = Schemas['WebhookTestOutcome'];
export type SupportedWebhookEvents = Schemas['SupportedWebhookEventTypes'];

const base = (project: string) => `/projects/${encodeURIComponent(project)}/webhook`;
const policyPath = (project: string, id: number) => `${base(project)}/policies/${id}`;

export function listWebhooks(project: string, query: ListQuery): Promise<Page<WebhookPolicy>> {
  return apiPage<WebhookPolicy>(`${base(project)}/policies`, query);
}

export function supportedWebhookEvents(project: string): Promise<SupportedWebhookEvents> {
  return apiJson<SupportedWebhookEvents>(`${base(project)}/events`);
}

export function webhookLastTriggers(project: string): Promise<WebhookLastTrigger[]> {
  return apiJson<WebhookLastTrigger[]>(`${base(project)}/lasttrigger`);
}

/** Creates a policy; resolves with its id (from `Location`). */
export async function createWebhook(project: string, policy: WebhookPolicy): Promise<number> {
  const res = await request(`${API_BASE}${base(project)}/policies`, { method: 'POST', json: policy });
  return Number(res.headers.get('Location')?.split('/').at(-1));
}

export function updateWebhook(project: string, id: number, policy: WebhookPolicy): Promise<void> {
  return apiCall(policyPath(project, id), { method: 'PUT', json: policy });
}

export function deleteWebhook(project: string, id: number): Promise<void> {
  return apiCall(policyPath(project, id), { method: 'DELETE' });
}

/** Wharf's test-fire: each target's outcome. */
export function testWebhook(project: string, id: number): Promise<WebhookTestOutcome[]> {
  return apiJson<WebhookTestOutcome[]>(`${policyPath(project, id)}/test`, { method: 'POST' });
}

export function listWebhookExecutions(project: string, id: number, query: ListQuery): Promise<Page<WebhookExecution>> {
  return apiPage<WebhookExecution>(`${policyPath(project, id)}/executions`, query);
}

export function listWebhookTasks(
  project: string,
  id: number,
  executionId: number,
  query: ListQuery,
): Promise<Page<WebhookTask>> {
  return apiPage<WebhookTask>(`${policyPath(project, id)}/executions/${executionId}/tasks`, query);
}

export async function webhookTaskLog(project: string, id: number, executionId: number, taskId: number) {
  const res = await request(`${API_BASE}${policyPath(project, id)}/executions/${executionId}/tasks/${taskId}/log`);
  return res.text();
}
