import { InvalidError } from '../domain/errors.js';
import type { SettingRecords, SettingSection, SystemSettings } from '../ports/identity-store.js';
import { AUTH_MODES, type AuthMode } from '../ports/identity-provider.js';
import type { Store } from '../ports/store.js';
import { ADMIN_USERNAME } from './admin-bootstrap.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import { operatorOf, ROBOT_PREFIX, type SecurityContext } from './authenticator.js';
import { authorize } from './project-access.js';
import type { ReadOnlyGuard } from './read-only.js';
import { storageLimitProblem } from './quotas/quotas.js';

/** One item of Harbor's ConfigurationsResponse. */
export interface ConfigurationItem {
  readonly value: string | number | boolean;
  readonly editable: boolean;
}

export type ConfigurationItems = Readonly<Record<string, ConfigurationItem>>;

/** The largest value of an `integer` configuration (Harbor's are 32-bit). */
const MAX_INTEGER = 2 ** 31 - 1;

type Settable = { -readonly [K in keyof SystemSettings]?: SystemSettings[K] };

/**
 * Each configuration Wharf keeps, under Harbor's name: how to read it from the settings and how to validate a new
 * value into a settings change. Values that cannot change (`editable` false) are accepted only when unchanged, so
 * a client that writes back everything it read still succeeds.
 */
interface Entry {
  read(settings: SystemSettings): string | number | boolean;
  /** Undefined: never editable. */
  write?: (value: unknown, change: Settable) => void;
}

/**
 * A feature's configurations (LDAP's `ldap_*`, OIDC's `oidc_*`…), stored as one settings section (SettingRecords
 * getSection) and listed by `/configurations` beside the core's. The feature owns their validation; secret keys
 * (a bind password, a client secret) are written but never read back, as in Harbor.
 */
export interface ConfigurationSection {
  /** The settings section the values are stored in. */
  readonly section: string;
  /** Harbor's configuration keys, each unique over every section and the core. */
  readonly entries: Readonly<Record<string, SectionEntry>>;
  /** Checks the section as a change would leave it (throws InvalidError); called before it is stored. */
  check?(values: SettingSection): void;
}

export interface SectionEntry {
  /** The value `/configurations` shows (not called for secrets). */
  read(values: SettingSection): string | number | boolean;
  /** Validates `value` and sets what it changes into `change` (keys of the section); undefined: never editable. */
  write?: (value: unknown, change: Record<string, unknown>) => void;
  /** Written, never read back (Harbor omits passwords and client secrets from its answer). */
  readonly secret?: boolean;
}

export function invalid(message: string): InvalidError {
  return new InvalidError('field', message);
}

function boolean(key: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(`${key} must be true or false`);
  return value;
}

const ENTRIES: Readonly<Record<string, Entry>> = {
  auth_mode: {
    read: (s) => s.authMode,
    // The service checks a change (checkAuthMode): it is frozen once users other than admin exist.
  },
  primary_auth_mode: { read: () => false },
  self_registration: {
    read: (s) => s.selfRegistration,
    write: (v, change) => (change.selfRegistration = boolean('self_registration', v)),
  },
  project_creation_restriction: {
    read: (s) => s.projectCreationRestriction,
    write: (v, change) => {
      if (v !== 'everyone' && v !== 'adminonly') {
        throw invalid('project_creation_restriction must be "everyone" or "adminonly"');
      }
      change.projectCreationRestriction = v;
    },
  },
  token_expiration: {
    read: (s) => s.tokenExpiration,
    write: (v, change) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_INTEGER) {
        throw invalid(`token_expiration must be a whole number of minutes from 1 to ${MAX_INTEGER}`);
      }
      change.tokenExpiration = v;
    },
  },
  read_only: { read: (s) => s.readOnly, write: (v, change) => (change.readOnly = boolean('read_only', v)) },
  robot_name_prefix: { read: () => ROBOT_PREFIX },
  storage_per_project: {
    read: (s) => s.storagePerProject,
    write: (v, change) => {
      if (storageLimitProblem(v))
        throw invalid('storage_per_project must be -1 (no limit) or a positive number of bytes');
      change.storagePerProject = v as number;
    },
  },
  audit_log_forward_endpoint: {
    read: (s) => s.auditLogForwardEndpoint,
    write: (v, change) => {
      if (typeof v !== 'string') throw invalid('audit_log_forward_endpoint must be a string');
      const endpoint = v.trim();
      if (endpoint !== '' && !/^[^\s:/]+:\d{1,5}$|^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(endpoint)) {
        throw invalid('audit_log_forward_endpoint must be host:port, e.g. syslog.example.com:514');
      }
      change.auditLogForwardEndpoint = endpoint;
    },
  },
  skip_audit_log_database: {
    read: (s) => s.skipAuditLogDatabase,
    write: (v, change) => (change.skipAuditLogDatabase = boolean('skip_audit_log_database', v)),
  },
  disabled_audit_log_event_types: {
    read: (s) => s.disabledAuditLogEventTypes,
    write: (v, change) => {
      if (typeof v !== 'string') throw invalid('disabled_audit_log_event_types must be a comma-separated string');
      change.disabledAuditLogEventTypes = v
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter((t) => t !== '')
        .join(',');
    },
  },
};

/**
 * Harbor's system configurations (`/configurations`): only those allowed to read or update the system resource
 * `configuration` (system administrators) see or change them. They live in the settings records; the `read_only`
 * guard learns a change at once.
 */
export class ConfigurationService {
  constructor(
    private readonly identity: Store,
    private readonly readOnly: ReadOnlyGuard,
    private readonly work: UnitOfWork,
    private readonly sections: readonly ConfigurationSection[] = [],
  ) {
    const keys = new Set(Object.keys(ENTRIES));
    for (const { entries } of sections) {
      for (const key of Object.keys(entries)) {
        if (keys.has(key)) throw new Error(`configuration ${key} is defined twice`);
        keys.add(key);
      }
    }
  }

  async get(ctx: SecurityContext): Promise<ConfigurationItems> {
    authorize(ctx, undefined, 'configuration', 'read');
    const settings = await this.identity.settings.get();
    const authModeEditable = await this.authModeEditable();
    const items: Record<string, ConfigurationItem> = {};
    for (const [key, entry] of Object.entries(ENTRIES)) {
      const editable = key === 'auth_mode' ? authModeEditable : entry.write !== undefined;
      items[key] = { value: entry.read(settings), editable };
    }
    for (const { section, entries } of this.sections) {
      const values = await this.identity.settings.getSection(section);
      for (const [key, entry] of Object.entries(entries)) {
        if (!entry.secret) items[key] = { value: entry.read(values), editable: entry.write !== undefined };
      }
    }
    return items;
  }

  /** Applies every given key or none: unknown keys, wrong types and forbidden changes are refused with 400. */
  async update(ctx: SecurityContext, input: Readonly<Record<string, unknown>>): Promise<void> {
    authorize(ctx, undefined, 'configuration', 'update');
    const sectionOf = new Map(this.sections.flatMap((s) => Object.keys(s.entries).map((key) => [key, s] as const)));
    const unknown = Object.keys(input).filter((key) => !Object.hasOwn(ENTRIES, key) && !sectionOf.has(key));
    if (unknown.length > 0) throw invalid(`unsupported configuration ${unknown.map((k) => `"${k}"`).join(', ')}`);
    const current = await this.identity.settings.get();
    const change: Settable = {};
    const sectionChanges = new Map<ConfigurationSection, Record<string, unknown>>();
    for (const [key, value] of Object.entries(input)) {
      // Harbor's Configurations fields are nullable: null leaves the value as it is.
      if (value === null || value === undefined) continue;
      const section = sectionOf.get(key);
      if (section) {
        const entry = section.entries[key]!;
        if (!entry.write) throw invalid(`${key} cannot be changed`);
        const sectionChange = sectionChanges.get(section) ?? {};
        entry.write(value, sectionChange);
        sectionChanges.set(section, sectionChange);
        continue;
      }
      const entry = ENTRIES[key]!;
      if (key === 'auth_mode') await this.checkAuthMode(value, current.authMode, change);
      else if (entry.write) entry.write(value, change);
      else if (value !== entry.read(current)) throw invalid(`${key} cannot be changed`);
    }
    const skip = change.skipAuditLogDatabase ?? current.skipAuditLogDatabase;
    const endpoint = change.auditLogForwardEndpoint ?? current.auditLogForwardEndpoint;
    if (skip && endpoint === '') {
      // Harbor's rule: the database may be skipped only while records are forwarded somewhere.
      throw invalid('skip_audit_log_database needs an audit_log_forward_endpoint');
    }
    for (const [section, sectionChange] of sectionChanges) {
      section.check?.({ ...(await this.identity.settings.getSection(section.section)), ...sectionChange });
    }
    if (Object.keys(change).length === 0 && sectionChanges.size === 0) return;
    const keys = Object.keys(input).filter((key) => input[key] !== null && input[key] !== undefined);
    const stored = await this.work.run(async ({ tx, emit }) => {
      for (const [section, sectionChange] of sectionChanges)
        await tx.settings.setSection(section.section, sectionChange);
      const settings = await tx.settings.set(change);
      emit({ type: 'configuration.updated', keys }, operatorOf(ctx));
      return settings;
    });
    this.readOnly.remember(stored.readOnly);
  }

  private async authModeEditable(): Promise<boolean> {
    return (await this.identity.users.countOtherThan(ADMIN_USERNAME)) === 0;
  }

  /** Harbor freezes auth_mode once users other than admin exist. */
  private async checkAuthMode(value: unknown, current: string, change: Settable): Promise<void> {
    if (typeof value !== 'string' || !AUTH_MODES.includes(value as AuthMode)) {
      throw invalid(`auth_mode must be one of ${AUTH_MODES.join(', ')}`);
    }
    if (value === current) return;
    if (!(await this.authModeEditable())) {
      throw invalid('auth_mode cannot be changed once users other than admin exist');
    }
    change.authMode = value as AuthMode;
  }
}

/**
 * Stores the settings the configuration file gives, at first start only (the caller decides when that is): after
 * that the database is the truth and changes go through `PUT /configurations`.
 */
export async function seedConfiguredSettings(
  settings: SettingRecords,
  configured: Partial<SystemSettings>,
): Promise<void> {
  const given = Object.fromEntries(Object.entries(configured).filter(([, v]) => v !== undefined));
  if (Object.keys(given).length > 0) await settings.set(given);
}
