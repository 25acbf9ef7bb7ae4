import { apiCall, apiJson } from './http';
import type { JobQueue, ScheduleTask, WorkerPool } from './models';
import { apiPage, type ListQuery, type Page } from './paging';

export type QueueAction = 'stop' | 'pause' | 'resume';

export function listJobQueues(): Promise<JobQueue[]> {
  return apiJson<JobQueue[]>('/jobservice/queues');
}

/** Stops, pauses or resumes the queue of `jobType` (`all`: every queue). */
export function actOnQueue(jobType: string, action: QueueAction): Promise<void> {
  return apiCall(`/jobservice/queues/${encodeURIComponent(jobType)}`, { method: 'PUT', json: { action } });
}

export function listWorkerPools(): Promise<WorkerPool[]> {
  return apiJson<WorkerPool[]>('/jobservice/pools');
}

export function listSchedules(query: ListQuery): Promise<Page<ScheduleTask>> {
  return apiPage<ScheduleTask>('/schedules', { page: query.page, pageSize: query.pageSize });
}
