import type { Kysely } from 'kysely';
import type { SettingRecords, SettingSection, SystemSettings } from '../../../ports/identity-store.js';
import { AUTH_MODES, type AuthMode } from '../../../ports/identity-provider.js';
import type { Database } from '../database.js';
import { inTransaction } from './query-helpers.js';

/** What a setting reads as when not stored (or unreadable): the values migration 0002 seeds. */
export const defaultSystemSettings: SystemSettings = {
  selfRegistration: false,
  projectCreationRestriction: 'everyone',
  tokenExpiration: 30,
  readOnly: false,
  authMode: 'db_auth',
  storagePerProject: -1,
  auditLogForwardEndpoint: '',
  skipAuditLogDatabase: false,
  disabledAuditLogEventTypes: '',
};

/** Each setting's stored name (Harbor's) and a reader of its JSON value that refuses values of another type. */
const columns: {
  readonly [K in keyof SystemSettings]: { name: string; read(value: unknown): SystemSettings[K] | undefined };
} = {
  selfRegistration: { name: 'self_registration', read: (v) => (typeof v === 'boolean' ? v : undefined) },
  projectCreationRestriction: {
    name: 'project_creation_restriction',
    read: (v) => (v === 'everyone' || v === 'adminonly' ? v : undefined),
  },
  tokenExpiration: {
    name: 'token_expiration',
    read: (v) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined),
  },
  readOnly: { name: 'read_only', read: (v) => (typeof v === 'boolean' ? v : undefined) },
  authMode: { name: 'auth_mode', read: (v) => (AUTH_MODES.includes(v as AuthMode) ? (v as AuthMode) : undefined) },
  storagePerProject: {
    name: 'storage_per_project',
    read: (v) => (typeof v === 'number' && Number.isSafeInteger(v) && (v === -1 || v > 0) ? v : undefined),
  },
  auditLogForwardEndpoint: {
    name: 'audit_log_forward_endpoint',
    read: (v) => (typeof v === 'string' ? v : undefined),
  },
  skipAuditLogDatabase: { name: 'skip_audit_log_database', read: (v) => (typeof v === 'boolean' ? v : undefined) },
  disabledAuditLogEventTypes: {
    name: 'disabled_audit_log_event_types',
    read: (v) => (typeof v === 'string' ? v : undefined),
  },
};

function parse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

function readSetting<K extends keyof SystemSettings>(key: K, stored: Map<string, string>): SystemSettings[K] {
  const json = stored.get(columns[key].name);
  return (json === undefined ? undefined : columns[key].read(parse(json))) ?? defaultSystemSettings[key];
}

export class KyselySettingRecords implements SettingRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async get(): Promise<SystemSettings> {
    const rows = await this.db.selectFrom('settings').select(['name', 'value']).execute();
    const stored = new Map(rows.map((row) => [row.name, row.value]));
    return {
      selfRegistration: readSetting('selfRegistration', stored),
      projectCreationRestriction: readSetting('projectCreationRestriction', stored),
      tokenExpiration: readSetting('tokenExpiration', stored),
      readOnly: readSetting('readOnly', stored),
      authMode: readSetting('authMode', stored),
      storagePerProject: readSetting('storagePerProject', stored),
      auditLogForwardEndpoint: readSetting('auditLogForwardEndpoint', stored),
      skipAuditLogDatabase: readSetting('skipAuditLogDatabase', stored),
      disabledAuditLogEventTypes: readSetting('disabledAuditLogEventTypes', stored),
    };
  }

  async set(settings: Partial<SystemSettings>): Promise<SystemSettings> {
    return inTransaction(this.db, async (tx) => {
      const now = Date.now();
      for (const key of Object.keys(columns) as (keyof SystemSettings)[]) {
        const value = settings[key];
        if (value === undefined) continue;
        await tx
          .insertInto('settings')
          .values({ name: columns[key].name, value: JSON.stringify(value), updated_at: now })
          .onConflict((oc) =>
            oc.column('name').doUpdateSet((eb) => ({
              value: eb.ref('excluded.value'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
      return new KyselySettingRecords(tx).get();
    });
  }

  async getSection(section: string): Promise<SettingSection> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('name', '=', sectionName(section))
      .executeTakeFirst();
    const value = row === undefined ? undefined : parse(row.value);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as SettingSection) : {};
  }

  async setSection(section: string, values: SettingSection): Promise<SettingSection> {
    return inTransaction(this.db, async (tx) => {
      const merged: Record<string, unknown> = { ...(await new KyselySettingRecords(tx).getSection(section)) };
      for (const [key, value] of Object.entries(values)) {
        if (value === undefined) delete merged[key];
        else merged[key] = value;
      }
      await tx
        .insertInto('settings')
        .values({ name: sectionName(section), value: JSON.stringify(merged), updated_at: Date.now() })
        .onConflict((oc) =>
          oc.column('name').doUpdateSet((eb) => ({
            value: eb.ref('excluded.value'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
      return merged;
    });
  }
}

/** Sections are stored beside Harbor's keys under a name no Harbor key has. */
function sectionName(section: string): string {
  return `section:${section}`;
}
