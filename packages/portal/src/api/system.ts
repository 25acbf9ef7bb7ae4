import { apiCall, apiJson } from './http';
import type { Configurations, ConfigurationsResponse, GeneralInfo } from './models';

export function systemInfo(): Promise<GeneralInfo> {
  return apiJson<GeneralInfo>('/systeminfo');
}

export function configurations(): Promise<ConfigurationsResponse> {
  return apiJson<ConfigurationsResponse>('/configurations');
}

export function updateConfigurations(changes: Configurations): Promise<void> {
  return apiCall('/configurations', { method: 'PUT', json: changes });
}
