/**
 * LDAP's configurations under Harbor's keys (`ldap_*` of `/configurations`), stored as the settings section `ldap`
 * under the same keys. The search password is sealed with the secret box and never read back. Two keys are
 * Wharf's: `ldap_start_tls` (Harbor has only ldap:// and ldaps://) and `ldap_nested_groups` (groups of groups).
 */
import type { SecretBox } from '../lib/secret-box.js';
import { settingSecretContext } from '../lib/secret-box.js';
import type { SettingSection } from '../ports/identity/setting-records.js';
import type { LdapScope } from '../ports/ldap-directory.js';
import { invalid, type ConfigurationSection, type SectionEntry } from '../services/configurations.js';
import { checkFilter } from './ldap-filter.js';

export const LDAP_SECTION = 'ldap';
/** The secret box context of the stored search password. */
export const SEARCH_PASSWORD_CONTEXT = settingSecretContext(LDAP_SECTION, 'ldap_search_password');

export interface LdapSettings {
  readonly url: string;
  readonly startTls: boolean;
  readonly verifyCert: boolean;
  readonly searchDn: string;
  /** In clear, opened from the sealed stored value ('' when none). */
  readonly searchPassword: string;
  readonly baseDn: string;
  readonly filter: string;
  readonly uid: string;
  readonly scope: LdapScope;
  readonly timeoutSeconds: number;
  readonly groupBaseDn: string;
  readonly groupFilter: string;
  readonly groupNameAttribute: string;
  readonly groupAdminDn: string;
  readonly groupMembershipAttribute: string;
  readonly groupSearchScope: LdapScope;
  readonly groupAttachParallel: boolean;
  readonly nestedGroups: boolean;
}

/** Harbor's defaults. */
export const LDAP_DEFAULTS: Omit<LdapSettings, 'searchPassword'> = {
  url: '',
  startTls: false,
  verifyCert: true,
  searchDn: '',
  baseDn: '',
  filter: '',
  uid: 'cn',
  scope: 2,
  timeoutSeconds: 5,
  groupBaseDn: '',
  groupFilter: '',
  groupNameAttribute: 'cn',
  groupAdminDn: '',
  groupMembershipAttribute: 'memberof',
  groupSearchScope: 2,
  groupAttachParallel: false,
  nestedGroups: false,
};

type Kind = 'string' | 'boolean' | 'scope' | 'timeout' | 'url' | 'filter' | 'attribute' | 'dn';

/** Harbor key → the settings field and how its value is checked. */
const KEYS: Readonly<Record<string, readonly [Exclude<keyof LdapSettings, 'searchPassword'>, Kind]>> = {
  ldap_url: ['url', 'url'],
  ldap_start_tls: ['startTls', 'boolean'],
  ldap_verify_cert: ['verifyCert', 'boolean'],
  ldap_search_dn: ['searchDn', 'dn'],
  ldap_base_dn: ['baseDn', 'dn'],
  ldap_filter: ['filter', 'filter'],
  ldap_uid: ['uid', 'attribute'],
  ldap_scope: ['scope', 'scope'],
  ldap_timeout: ['timeoutSeconds', 'timeout'],
  ldap_group_base_dn: ['groupBaseDn', 'dn'],
  ldap_group_search_filter: ['groupFilter', 'filter'],
  ldap_group_attribute_name: ['groupNameAttribute', 'attribute'],
  ldap_group_admin_dn: ['groupAdminDn', 'dn'],
  ldap_group_membership_attribute: ['groupMembershipAttribute', 'string'],
  ldap_group_search_scope: ['groupSearchScope', 'scope'],
  ldap_group_attach_parallel: ['groupAttachParallel', 'boolean'],
  ldap_nested_groups: ['nestedGroups', 'boolean'],
};

const ATTRIBUTE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/;

/** `value` as a valid value of `key`, or InvalidError. URLs without a scheme get `ldap://`, as in Harbor. */
export function checkValue(key: string, kind: Kind, value: unknown): string | number | boolean {
  switch (kind) {
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(`${key} must be true or false`);
      return value;
    case 'scope':
      if (value !== 0 && value !== 1 && value !== 2)
        throw invalid(`${key} must be 0 (base), 1 (one level) or 2 (subtree)`);
      return value;
    case 'timeout':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 3600) {
        throw invalid(`${key} must be a whole number of seconds from 1 to 3600`);
      }
      return value;
    case 'string':
    case 'url':
    case 'filter':
    case 'attribute':
    case 'dn':
      break;
  }
  if (typeof value !== 'string') throw invalid(`${key} must be a string`);
  const text = value.trim();
  if (kind === 'url') return normalizeUrl(key, text);
  if (kind === 'filter') {
    const problem = checkFilter(text);
    if (problem) throw invalid(`${key} is not an LDAP filter: ${problem}`);
  }
  if (kind === 'attribute' && !ATTRIBUTE.test(text))
    throw invalid(`${key} must be an attribute name such as uid or cn`);
  if (kind === 'string' && text !== '' && !ATTRIBUTE.test(text))
    throw invalid(`${key} must be an attribute name or empty`);
  return text;
}

function normalizeUrl(key: string, text: string): string {
  if (text === '') return '';
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `ldap://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalid(`${key} must be an ldap:// or ldaps:// URL`);
  }
  if ((url.protocol !== 'ldap:' && url.protocol !== 'ldaps:') || url.hostname === '') {
    throw invalid(`${key} must be an ldap:// or ldaps:// URL`);
  }
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.username !== '') {
    throw invalid(`${key} must be a scheme, a host and a port only, e.g. ldaps://ldap.example.com:636`);
  }
  return `${url.protocol}//${url.host.toLowerCase()}`;
}

/** The settings a stored section holds (defaults for missing keys); the password opened with the box. */
export function settingsOf(values: SettingSection, box: SecretBox): LdapSettings {
  const settings: Record<string, unknown> = { ...LDAP_DEFAULTS };
  for (const [key, [field]] of Object.entries(KEYS)) {
    if (values[key] !== undefined) settings[field] = values[key];
  }
  const sealed = values.ldap_search_password;
  settings.searchPassword =
    typeof sealed === 'string' && sealed !== '' ? box.open(sealed, SEARCH_PASSWORD_CONTEXT) : '';
  return settings as unknown as LdapSettings;
}

/**
 * Settings from a request body with Harbor's LdapConf keys (`/ldap/ping`) over the stored ones: keys absent or null
 * keep the stored value (the portal never has the stored password to send back). `ldap_connection_timeout` is
 * LdapConf's name of `ldap_timeout`.
 */
export function settingsWith(stored: LdapSettings, body: Readonly<Record<string, unknown>>): LdapSettings {
  const settings: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(body)) {
    if (value === null || value === undefined) continue;
    if (key === 'ldap_search_password') {
      if (typeof value !== 'string') throw invalid('ldap_search_password must be a string');
      settings.searchPassword = value;
      continue;
    }
    const name = key === 'ldap_connection_timeout' ? 'ldap_timeout' : key;
    const known = KEYS[name];
    if (!known) throw invalid(`unsupported LDAP configuration "${key}"`);
    settings[known[0]] = checkValue(name, known[1], value);
  }
  return settings as unknown as LdapSettings;
}

/** The `ldap_*` configurations, for ConfigurationService. */
export function ldapConfigurationSection(box: SecretBox): ConfigurationSection {
  const entries: Record<string, SectionEntry> = {};
  for (const [key, [field, kind]] of Object.entries(KEYS)) {
    entries[key] = {
      read: (values) => (values[key] as string | number | boolean | undefined) ?? LDAP_DEFAULTS[field],
      write: (value, change) => (change[key] = checkValue(key, kind, value)),
    };
  }
  entries.ldap_search_password = {
    secret: true,
    read: () => '',
    write: (value, change) => {
      if (typeof value !== 'string') throw invalid('ldap_search_password must be a string');
      change.ldap_search_password = value === '' ? '' : box.seal(value, SEARCH_PASSWORD_CONTEXT);
    },
  };
  return {
    section: LDAP_SECTION,
    entries,
    check(values) {
      const url = typeof values.ldap_url === 'string' ? values.ldap_url : '';
      if (values.ldap_start_tls === true && url.startsWith('ldaps:')) {
        throw invalid('ldap_start_tls applies to ldap:// URLs; an ldaps:// URL is already encrypted');
      }
    },
  };
}
