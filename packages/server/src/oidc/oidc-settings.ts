import { settingSecretContext, type SecretBox } from '../lib/secret-box.js';
import type { SettingSection } from '../ports/identity-store.js';
import { invalid, type ConfigurationSection, type SectionEntry } from '../services/configurations.js';

/** The settings section OIDC's configurations are stored in. */
export const OIDC_SECTION = 'oidc';
/** The secret box context of the stored client secret. */
export const OIDC_CLIENT_SECRET = settingSecretContext(OIDC_SECTION, 'client_secret');

/** Harbor's `oidc_*` configurations, read. */
export interface OidcSettings {
  readonly name: string;
  readonly endpoint: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly groupsClaim: string;
  readonly adminGroup: string;
  /** A regular expression the groups' names must match ('' keeps all). */
  readonly groupFilter: string;
  readonly scope: readonly string[];
  readonly verifyCert: boolean;
  readonly autoOnboard: boolean;
  /** The claim holding the user name ('' → the ID token's `name`). */
  readonly userClaim: string;
  readonly extraRedirectParams: Readonly<Record<string, string>>;
}

function text(values: SettingSection, key: string): string {
  const v = values[key];
  return typeof v === 'string' ? v : '';
}

function flag(values: SettingSection, key: string, fallback: boolean): boolean {
  const v = values[key];
  return typeof v === 'boolean' ? v : fallback;
}

/** Harbor's scope is comma-separated (`openid,offline_access`). */
export function scopesOf(scope: string): string[] {
  return scope
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function extraParamsOf(json: string): Record<string, string> {
  if (json.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalid('oidc_extra_redirect_parms must be a JSON object of strings, e.g. {"prompt":"login"}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('oidc_extra_redirect_parms must be a JSON object of strings, e.g. {"prompt":"login"}');
  }
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof v !== 'string') throw invalid(`oidc_extra_redirect_parms: the value of ${k} must be a string`);
    params[k] = v;
  }
  return params;
}

/** The OIDC settings as stored (the client secret opened). */
export function readOidcSettings(values: SettingSection, box: SecretBox): OidcSettings {
  const sealed = text(values, 'client_secret');
  return {
    name: text(values, 'name'),
    endpoint: text(values, 'endpoint'),
    clientId: text(values, 'client_id'),
    clientSecret: sealed === '' ? '' : box.open(sealed, OIDC_CLIENT_SECRET),
    groupsClaim: text(values, 'groups_claim'),
    adminGroup: text(values, 'admin_group'),
    groupFilter: text(values, 'group_filter'),
    scope: scopesOf(text(values, 'scope')),
    verifyCert: flag(values, 'verify_cert', true),
    autoOnboard: flag(values, 'auto_onboard', false),
    userClaim: text(values, 'user_claim'),
    extraRedirectParams: extraParamsOf(text(values, 'extra_redirect_parms')),
  };
}

function stringEntry(key: string, stored: string, check?: (value: string) => void): SectionEntry {
  return {
    read: (values) => text(values, stored),
    write: (value, change) => {
      if (typeof value !== 'string') throw invalid(`${key} must be a string`);
      const trimmed = value.trim();
      check?.(trimmed);
      change[stored] = trimmed;
    },
  };
}

function booleanEntry(key: string, stored: string, fallback: boolean): SectionEntry {
  return {
    read: (values) => flag(values, stored, fallback),
    write: (value, change) => {
      if (typeof value !== 'boolean') throw invalid(`${key} must be true or false`);
      change[stored] = value;
    },
  };
}

/**
 * Harbor's `oidc_*` configurations as a configuration section of `/configurations`: the client secret is sealed
 * by the secret box when written and never shown; the scope must contain `openid`.
 */
export function oidcConfigurationSection(box: SecretBox): ConfigurationSection {
  return {
    section: OIDC_SECTION,
    entries: {
      oidc_name: stringEntry('oidc_name', 'name'),
      oidc_endpoint: stringEntry('oidc_endpoint', 'endpoint', (v) => {
        if (v === '') return;
        let url: URL;
        try {
          url = new URL(v);
        } catch {
          throw invalid('oidc_endpoint must be an http(s) URL');
        }
        if (url.protocol !== 'https:' && url.protocol !== 'http:')
          throw invalid('oidc_endpoint must be an http(s) URL');
      }),
      oidc_client_id: stringEntry('oidc_client_id', 'client_id'),
      oidc_client_secret: {
        secret: true,
        read: () => '',
        write: (value, change) => {
          if (typeof value !== 'string') throw invalid('oidc_client_secret must be a string');
          change.client_secret = value === '' ? '' : box.seal(value, OIDC_CLIENT_SECRET);
        },
      },
      oidc_groups_claim: stringEntry('oidc_groups_claim', 'groups_claim'),
      oidc_admin_group: stringEntry('oidc_admin_group', 'admin_group'),
      oidc_group_filter: stringEntry('oidc_group_filter', 'group_filter', (v) => {
        try {
          new RegExp(v);
        } catch {
          throw invalid('oidc_group_filter must be a regular expression');
        }
      }),
      oidc_scope: stringEntry('oidc_scope', 'scope', (v) => {
        if (v !== '' && !scopesOf(v).includes('openid')) throw invalid('oidc_scope must contain openid');
      }),
      oidc_verify_cert: booleanEntry('oidc_verify_cert', 'verify_cert', true),
      oidc_auto_onboard: booleanEntry('oidc_auto_onboard', 'auto_onboard', false),
      oidc_user_claim: stringEntry('oidc_user_claim', 'user_claim'),
      oidc_extra_redirect_parms: stringEntry('oidc_extra_redirect_parms', 'extra_redirect_parms', (v) => {
        extraParamsOf(v);
      }),
    },
  };
}
