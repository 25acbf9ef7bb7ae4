import type { AuthMode, GroupTypeName } from '../../api/identity-models';
import { GROUP_TYPES } from '../../api/identity-models';

/** A group type's name by Harbor's number (1 LDAP, 2 HTTP, 3 OIDC). */
export function groupTypeName(type: number | undefined): GroupTypeName | undefined {
  return (Object.keys(GROUP_TYPES) as GroupTypeName[]).find((name) => GROUP_TYPES[name] === type);
}

/** The type of the groups an authentication mode brings: LDAP groups in ldap_auth, and so on. */
export function groupTypeOfMode(mode: AuthMode | undefined): GroupTypeName {
  if (mode === 'oidc_auth') return 'oidc';
  if (mode === 'http_auth') return 'http';
  return 'ldap';
}
