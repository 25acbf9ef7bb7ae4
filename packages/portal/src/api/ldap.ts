import { apiJson, request, API_BASE } from './http';
import type { LdapConf, LdapFailedImportUser, LdapPingResult, LdapUser, UserGroup } from './identity-models';

/** Tests LDAP settings: the given ones, the stored ones for the rest (and the stored password when none is given). */
export function pingLdap(conf: LdapConf): Promise<LdapPingResult> {
  return apiJson<LdapPingResult>('/ldap/ping', { method: 'POST', json: conf });
}

/** Users of the directory whose name matches `username`. */
export async function searchLdapUsers(username: string): Promise<LdapUser[]> {
  return (await apiJson<LdapUser[] | null>('/ldap/users/search', { query: { username } })) ?? [];
}

/**
 * Imports directory users by their uid. Harbor answers 404 with the users it could not import (and the reason);
 * those are returned, empty when every user was imported.
 */
export async function importLdapUsers(uids: readonly string[]): Promise<LdapFailedImportUser[]> {
  const res = await request(`${API_BASE}/ldap/users/import`, {
    method: 'POST',
    json: { ldap_uid_list: [...uids] },
    accept: [404],
  });
  const text = await res.text();
  if (res.ok || text === '') return [];
  const failed = JSON.parse(text) as unknown;
  return Array.isArray(failed) ? (failed as LdapFailedImportUser[]) : [];
}

/** Groups of the directory by name or by DN. */
export async function searchLdapGroups(by: { groupname?: string; groupdn?: string }): Promise<UserGroup[]> {
  return (await apiJson<UserGroup[] | null>('/ldap/groups/search', { query: by })) ?? [];
}
