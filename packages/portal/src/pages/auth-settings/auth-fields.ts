import type { AllConfigurations, AllConfigurationsResponse, IdentityConfigKey } from '../../api/identity-models';

/** How a setting is edited: a text, a write-only secret, a number, a switch, or an LDAP search scope. */
export type FieldKind = 'text' | 'secret' | 'number' | 'switch' | 'scope';

export interface AuthField {
  readonly key: IdentityConfigKey;
  readonly kind: FieldKind;
  /** Whether the field has a help text (`authSettings.help.<key>`). */
  readonly help?: boolean;
}

/** The LDAP settings in the order Harbor's portal shows them: the user search, then the group search. */
export const LDAP_FIELDS = [
  { key: 'ldap_url', kind: 'text', help: true },
  { key: 'ldap_search_dn', kind: 'text', help: true },
  { key: 'ldap_search_password', kind: 'secret' },
  { key: 'ldap_base_dn', kind: 'text' },
  { key: 'ldap_filter', kind: 'text', help: true },
  { key: 'ldap_uid', kind: 'text', help: true },
  { key: 'ldap_scope', kind: 'scope' },
  { key: 'ldap_timeout', kind: 'number' },
  { key: 'ldap_start_tls', kind: 'switch' },
  { key: 'ldap_verify_cert', kind: 'switch' },
  { key: 'ldap_group_base_dn', kind: 'text' },
  { key: 'ldap_group_search_filter', kind: 'text' },
  { key: 'ldap_group_attribute_name', kind: 'text', help: true },
  { key: 'ldap_group_admin_dn', kind: 'text', help: true },
  { key: 'ldap_group_membership_attribute', kind: 'text', help: true },
  { key: 'ldap_group_search_scope', kind: 'scope' },
  { key: 'ldap_nested_groups', kind: 'switch' },
  { key: 'ldap_group_attach_parallel', kind: 'switch' },
] as const satisfies readonly AuthField[];

export const OIDC_FIELDS = [
  { key: 'oidc_name', kind: 'text', help: true },
  { key: 'oidc_endpoint', kind: 'text', help: true },
  { key: 'oidc_client_id', kind: 'text' },
  { key: 'oidc_client_secret', kind: 'secret' },
  { key: 'oidc_scope', kind: 'text', help: true },
  { key: 'oidc_groups_claim', kind: 'text', help: true },
  { key: 'oidc_admin_group', kind: 'text' },
  { key: 'oidc_group_filter', kind: 'text', help: true },
  { key: 'oidc_user_claim', kind: 'text', help: true },
  { key: 'oidc_verify_cert', kind: 'switch' },
  { key: 'oidc_auto_onboard', kind: 'switch', help: true },
  { key: 'oidc_extra_redirect_parms', kind: 'text', help: true },
  { key: 'oidc_logout', kind: 'switch' },
] as const satisfies readonly AuthField[];

export type LdapKey = (typeof LDAP_FIELDS)[number]['key'];
export type OidcKey = (typeof OIDC_FIELDS)[number]['key'];

/** The form's values: the settings by their keys, plus keys the server has that the portal does not know. */
export type AuthValues = AllConfigurations & Record<string, unknown>;

/** A setting of the server's answer by a key the portal may not know (`ldap_nested_groups`, say). */
export function itemOf(
  response: AllConfigurationsResponse,
  key: string,
): { value: unknown; editable: boolean } | undefined {
  const item = (response as Record<string, unknown>)[key];
  return item !== null && typeof item === 'object' && 'value' in item
    ? (item as { value: unknown; editable: boolean })
    : undefined;
}

/**
 * Which fields of a section the page shows: those the server lists (a server without LDAP lists no `ldap_*` key),
 * and the secrets, which are never listed, when the server lists other keys of the section.
 */
export function shownFields<F extends AuthField>(fields: readonly F[], response: AllConfigurationsResponse): F[] {
  const listed = fields.filter((f) => itemOf(response, f.key) !== undefined);
  if (listed.length === 0) return [];
  return fields.filter((f) => f.kind === 'secret' || itemOf(response, f.key) !== undefined);
}

/** Keys of a section the server lists that the portal has no field for: shown by their names, edited by type. */
export function otherKeys(prefix: string, fields: readonly AuthField[], response: AllConfigurationsResponse): string[] {
  const known = new Set<string>(fields.map((f) => f.key));
  return Object.keys(response)
    .filter((key) => key.startsWith(prefix) && !known.has(key) && itemOf(response, key) !== undefined)
    .sort();
}

/** The form's initial values: each listed setting's value; secrets empty (they are never read back). */
export function initialValues(response: AllConfigurationsResponse): AuthValues {
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(response)) {
    const item = itemOf(response, key);
    if (item !== undefined) values[key] = item.value;
  }
  return values;
}

/**
 * What a save sends: the settings that differ from the server's and that it lets change, and the secrets that were
 * typed (an empty secret leaves the stored one as it is). Nothing the server does not list is ever sent.
 */
export function changesOf(
  response: AllConfigurationsResponse,
  values: Record<string, unknown>,
  secrets: readonly string[],
): AllConfigurations {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (secrets.includes(key)) {
      if (typeof value === 'string' && value !== '') changes[key] = value;
      continue;
    }
    const item = itemOf(response, key);
    if (item === undefined || !item.editable || value === undefined) continue;
    const normalised = value === null && typeof item.value === 'string' ? '' : value;
    if (normalised !== item.value) changes[key] = normalised;
  }
  return changes;
}
