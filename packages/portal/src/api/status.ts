import { apiJson } from './http';
import type { NotificationEndpoints, OverallHealthStatus, Statistic } from './models';

/** Harbor's component health (public). */
export function health(): Promise<OverallHealthStatus> {
  return apiJson<OverallHealthStatus>('/health');
}

/** Project, repository and storage totals (the totals only for administrators). */
export function statistics(): Promise<Statistic> {
  return apiJson<Statistic>('/statistics');
}

/** The registry notification endpoints and their queues (a Wharf extension, administrators only). */
export function notificationEndpoints(): Promise<NotificationEndpoints> {
  return apiJson<NotificationEndpoints>('/system/notifications');
}
