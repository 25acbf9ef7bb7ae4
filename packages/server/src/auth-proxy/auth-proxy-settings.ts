import type { SettingSection } from '../ports/identity-store.js';
import { invalid, type ConfigurationSection, type SectionEntry } from '../services/configurations.js';

/** The settings of `http_auth` (Harbor's `http_authproxy_*`), stored as the settings section `authproxy`. */
export interface AuthProxySettings {
  /** Where a user name and password are POSTed with Basic authentication; a 200 answers a token for the review. */
  readonly endpoint: string;
  /** Where that token is reviewed (a Kubernetes TokenReview): the answer names the user and their groups. */
  readonly tokenReviewEndpoint: string;
  readonly adminGroups: readonly string[];
  readonly adminUsernames: readonly string[];
  readonly verifyCert: boolean;
  /** Harbor: add users and groups as members without asking the proxy whether they exist (Wharf never asks). */
  readonly skipSearch: boolean;
  /** A PEM certificate to trust for both endpoints besides the system's. */
  readonly serverCertificate: string;
}

export const AUTH_PROXY_SECTION = 'authproxy';

const string = (values: SettingSection, key: string): string => (typeof values[key] === 'string' ? values[key] : '');
const flag = (values: SettingSection, key: string, fallback: boolean): boolean =>
  typeof values[key] === 'boolean' ? values[key] : fallback;
const list = (text: string): string[] =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

export function authProxySettingsOf(values: SettingSection): AuthProxySettings {
  return {
    endpoint: string(values, 'endpoint'),
    tokenReviewEndpoint: string(values, 'tokenreview_endpoint'),
    adminGroups: list(string(values, 'admin_groups')),
    adminUsernames: list(string(values, 'admin_usernames')),
    verifyCert: flag(values, 'verify_cert', true),
    skipSearch: flag(values, 'skip_search', false),
    serverCertificate: string(values, 'server_certificate'),
  };
}

function url(key: string): SectionEntry {
  const stored = key.replace(/^http_authproxy_/, '');
  return {
    read: (values) => string(values, stored),
    write: (value, change) => {
      if (typeof value !== 'string') throw invalid(`${key} must be a string`);
      const trimmed = value.trim();
      if (trimmed !== '' && !/^https?:\/\/[^\s]+$/.test(trimmed)) throw invalid(`${key} must be an http or https URL`);
      change[stored] = trimmed;
    },
  };
}

function text(key: string): SectionEntry {
  const stored = key.replace(/^http_authproxy_/, '');
  return {
    read: (values) => string(values, stored),
    write: (value, change) => {
      if (typeof value !== 'string') throw invalid(`${key} must be a string`);
      change[stored] = value.trim();
    },
  };
}

function bool(key: string, fallback: boolean): SectionEntry {
  const stored = key.replace(/^http_authproxy_/, '');
  return {
    read: (values) => flag(values, stored, fallback),
    write: (value, change) => {
      if (typeof value !== 'boolean') throw invalid(`${key} must be true or false`);
      change[stored] = value;
    },
  };
}

/** Harbor's `http_authproxy_*` configurations. */
export const authProxyConfiguration: ConfigurationSection = {
  section: AUTH_PROXY_SECTION,
  entries: {
    http_authproxy_endpoint: url('http_authproxy_endpoint'),
    http_authproxy_tokenreview_endpoint: url('http_authproxy_tokenreview_endpoint'),
    http_authproxy_admin_groups: text('http_authproxy_admin_groups'),
    http_authproxy_admin_usernames: text('http_authproxy_admin_usernames'),
    http_authproxy_verify_cert: bool('http_authproxy_verify_cert', true),
    http_authproxy_skip_search: bool('http_authproxy_skip_search', false),
    http_authproxy_server_certificate: {
      read: (values) => string(values, 'server_certificate'),
      write: (value, change) => {
        if (typeof value !== 'string') throw invalid('http_authproxy_server_certificate must be a string');
        const pem = value.trim();
        if (pem !== '' && !pem.startsWith('-----BEGIN CERTIFICATE-----')) {
          throw invalid('http_authproxy_server_certificate must be a PEM certificate');
        }
        change.server_certificate = pem;
      },
    },
  },
};
