import { apiCall, apiJson } from './http';
import type { AllConfigurations, AllConfigurationsResponse, IdentityGeneralInfo } from './identity-models';

export function systemInfo(): Promise<IdentityGeneralInfo> {
  return apiJson<IdentityGeneralInfo>('/systeminfo');
}

/** The settings, with the LDAP and OIDC ones when the server has them. */
export function configurations(): Promise<AllConfigurationsResponse> {
  return apiJson<AllConfigurationsResponse>('/configurations');
}

export function updateConfigurations(changes: AllConfigurations): Promise<void> {
  return apiCall('/configurations', { method: 'PUT', json: changes });
}
