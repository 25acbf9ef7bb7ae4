import type { AuthMode } from '../identity-provider.js';

/** Harbor's system settings that Wharf keeps in the database; keys are stored under Harbor's snake_case names. */
export interface SystemSettings {
  /** self_registration */
  readonly selfRegistration: boolean;
  /** project_creation_restriction */
  readonly projectCreationRestriction: 'everyone' | 'adminonly';
  /** token_expiration, in minutes */
  readonly tokenExpiration: number;
  /** read_only */
  readonly readOnly: boolean;
  /** auth_mode: frozen once users other than admin exist (the service enforces it). */
  readonly authMode: AuthMode;
  /** storage_per_project: the hard storage limit in bytes of the quota of new projects; -1 is unlimited. */
  readonly storagePerProject: number;
  /** audit_log_forward_endpoint: the syslog server audit records are forwarded to (`host:port`), '' for none. */
  readonly auditLogForwardEndpoint: string;
  /** skip_audit_log_database: forward audit records only, without storing them (needs a forward endpoint). */
  readonly skipAuditLogDatabase: boolean;
  /** disabled_audit_log_event_types: Harbor's comma-separated ext event types that are not recorded. */
  readonly disabledAuditLogEventTypes: string;
}

/** System settings; the schema migration seeds the defaults, the server seeds configured values at first start. */
export interface SettingRecords {
  /** Every setting; a missing or unreadable stored value reads as its default (Harbor's, token_expiration 30). */
  get(): Promise<SystemSettings>;
  /** Stores the given settings (the others keep their values) and returns all of them. */
  set(settings: Partial<SystemSettings>): Promise<SystemSettings>;
  /**
   * A feature's own settings (LDAP, OIDC, e-mail…): one JSON object stored under the section's name; `{}` when none
   * is stored. Features keep their secrets in it sealed (lib/secret-box.ts), never in clear.
   */
  getSection(section: string): Promise<SettingSection>;
  /** Sets the given keys of the section (an `undefined` value removes the key) and returns the whole section. */
  setSection(section: string, values: SettingSection): Promise<SettingSection>;
}

export type SettingSection = Readonly<Record<string, unknown>>;

/**
 * The secret box context of a sealed value stored in a settings section under `key`: key rotation reseals every
 * sealed string of every section with it (adapters/db/key-records.ts), so features must seal with this context.
 */
export function sectionSecretContext(section: string, key: string): string {
  return `settings.${section}.${key}`;
}
