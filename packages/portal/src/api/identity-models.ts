/**
 * The enterprise identity API's models (LDAP, OIDC, user groups, personal access tokens), named as in Harbor's
 * swagger (the tokens are Wharf's own). They are written by hand until the server describes these operations in its
 * OpenAPI document; then each becomes `Schemas['Name']` as in models.ts (the names are the same) and this file goes.
 */
import type { Configurations, ConfigurationsResponse, GeneralInfo, UserResp } from './models';

/** Harbor's authentication modes. */
export const AUTH_MODES = ['db_auth', 'ldap_auth', 'oidc_auth', 'http_auth'] as const satisfies readonly NonNullable<
  GeneralInfo['auth_mode']
>[];
export type AuthMode = (typeof AUTH_MODES)[number];

/** GET /systeminfo, with the OIDC provider's name in oidc_auth mode. */
export type IdentityGeneralInfo = GeneralInfo & { oidc_provider_name?: string };

/** The OIDC part of a user (GET /users/current): its CLI secret, shown to the user themself only. */
export interface OIDCUserInfo {
  id?: number;
  user_id?: number;
  subiss?: string;
  secret?: string;
  creation_time?: string;
  update_time?: string;
}

export type IdentityUserResp = UserResp & { oidc_user_meta?: OIDCUserInfo | null };

/** The LDAP and OIDC configuration keys (Harbor's names); secrets are written, never read back. */
export interface IdentityConfigurations {
  ldap_url?: string | null;
  ldap_search_dn?: string | null;
  ldap_search_password?: string | null;
  ldap_base_dn?: string | null;
  ldap_filter?: string | null;
  ldap_uid?: string | null;
  ldap_scope?: number | null;
  ldap_timeout?: number | null;
  ldap_start_tls?: boolean | null;
  ldap_verify_cert?: boolean | null;
  ldap_group_base_dn?: string | null;
  ldap_group_search_filter?: string | null;
  ldap_group_attribute_name?: string | null;
  ldap_group_admin_dn?: string | null;
  ldap_group_membership_attribute?: string | null;
  ldap_group_search_scope?: number | null;
  ldap_group_attach_parallel?: boolean | null;
  ldap_nested_groups?: boolean | null;
  oidc_name?: string | null;
  oidc_endpoint?: string | null;
  oidc_client_id?: string | null;
  oidc_client_secret?: string | null;
  oidc_scope?: string | null;
  oidc_groups_claim?: string | null;
  oidc_admin_group?: string | null;
  oidc_group_filter?: string | null;
  oidc_user_claim?: string | null;
  oidc_verify_cert?: boolean | null;
  oidc_auto_onboard?: boolean | null;
  oidc_extra_redirect_parms?: string | null;
  oidc_logout?: boolean | null;
}
export type IdentityConfigKey = keyof IdentityConfigurations;

/** PUT /configurations with the identity keys. */
export type AllConfigurations = Configurations & IdentityConfigurations;

/** One item of GET /configurations. */
export interface ConfigItem<T> {
  value: T;
  editable: boolean;
}

/** GET /configurations with the identity keys (each present when the server has the feature). */
export type AllConfigurationsResponse = ConfigurationsResponse & {
  [K in IdentityConfigKey]?: ConfigItem<NonNullable<IdentityConfigurations[K]>>;
};

/** POST /ldap/ping: the settings to test (the stored ones for the keys left out). */
export type LdapConf = Pick<
  IdentityConfigurations,
  | 'ldap_url'
  | 'ldap_search_dn'
  | 'ldap_search_password'
  | 'ldap_base_dn'
  | 'ldap_filter'
  | 'ldap_uid'
  | 'ldap_scope'
  | 'ldap_start_tls'
  | 'ldap_verify_cert'
> & { ldap_connection_timeout?: number };

export interface LdapPingResult {
  success?: boolean;
  message?: string;
}

export interface LdapUser {
  username?: string;
  realname?: string;
  email?: string;
}

export interface LdapImportUsers {
  ldap_uid_list: string[];
}

export interface LdapFailedImportUser {
  uid?: string;
  error?: string;
}

/** Harbor's group types. */
export const GROUP_TYPES = { ldap: 1, http: 2, oidc: 3 } as const;
export type GroupTypeName = keyof typeof GROUP_TYPES;
export type GroupType = (typeof GROUP_TYPES)[GroupTypeName];

export interface UserGroup {
  id?: number;
  group_name?: string;
  group_type?: number;
  ldap_group_dn?: string;
}

export interface UserGroupSearchItem {
  id?: number;
  group_name?: string;
  group_type?: number;
}

/** POST /projects/{p}/members for a group (the generated ProjectMember has no groups yet). */
export interface GroupProjectMember {
  role_id: number;
  member_group: UserGroup;
}

export interface OIDCCliSecretReq {
  secret: string;
}

/** POST /system/oidc/ping. */
export interface OIDCPing {
  url: string;
  verify_cert: boolean;
}

/** A personal access token's scope: accesses in one project (Wharf's own model, shaped like a robot's). */
export interface TokenPermission {
  kind: 'project';
  namespace: string;
  access: { resource: string; action: string }[];
}

/** GET /users/{user_id}/tokens and GET /tokens (Wharf's own). */
export interface PersonalAccessToken {
  id: number;
  name: string;
  description?: string;
  permissions: TokenPermission[];
  creation_time: string;
  /** Unix seconds (-1 never) or an ISO time; null never. */
  expires_at: number | string | null;
  last_used_time: string | null;
  owner_id: number;
  owner_name: string;
}

/** POST /users/{user_id}/tokens. */
export interface PersonalAccessTokenCreate {
  name: string;
  description?: string;
  /** Days until it expires; -1 never. */
  duration: number;
  permissions: TokenPermission[];
}

/** The answer to a creation: the secret, shown this once. */
export interface PersonalAccessTokenCreated {
  id: number;
  name: string;
  secret: string;
  creation_time: string;
  expires_at: number | string | null;
}
