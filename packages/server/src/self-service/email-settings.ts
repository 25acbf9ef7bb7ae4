import { settingSecretContext, type SecretBox } from '../lib/secret-box.js';
import type { SettingSection } from '../ports/identity-store.js';
import type { Mailer, SmtpSettings } from '../ports/mailer.js';
import type { Store } from '../ports/store.js';
import type { SecurityContext } from '../services/authenticator.js';
import { invalid, type ConfigurationSection, type SectionEntry } from '../services/configurations.js';
import { authorize } from '../services/project-access.js';

/** The settings section the `email_*` configurations are stored in. */
export const EMAIL_SECTION = 'email';
/** The secret box's context of the stored SMTP password (resealed by key rotation as every section secret). */
export const EMAIL_PASSWORD_CONTEXT = settingSecretContext(EMAIL_SECTION, 'email_password');

const DEFAULTS: SmtpSettings = {
  host: '',
  port: 25,
  username: '',
  password: '',
  from: '',
  ssl: false,
  insecure: false,
  identity: '',
};

function text(values: SettingSection, key: string, fallback: string): string {
  const value = values[key];
  return typeof value === 'string' ? value : fallback;
}

function flag(values: SettingSection, key: string, fallback: boolean): boolean {
  const value = values[key];
  return typeof value === 'boolean' ? value : fallback;
}

function textEntry(key: string, max: number): SectionEntry {
  return {
    read: (values) => text(values, key, ''),
    write: (value, change) => {
      if (typeof value !== 'string' || [...value].length > max || /[\r\n]/.test(value)) {
        throw invalid(`${key} must be one line of text of at most ${max} characters`);
      }
      change[key] = value.trim();
    },
  };
}

function flagEntry(key: string): SectionEntry {
  return {
    read: (values) => flag(values, key, false),
    write: (value, change) => {
      if (typeof value !== 'boolean') throw invalid(`${key} must be true or false`);
      change[key] = value;
    },
  };
}

/**
 * Harbor 1.x's e-mail configurations, a section of `/configurations`: the SMTP server that sends password reset
 * links. The database is their only source (changed through `PUT /configurations`); `email_password` is sealed by
 * the secret box when written and never read back.
 */
export function emailConfigurationSection(secrets: SecretBox): ConfigurationSection {
  return {
    section: EMAIL_SECTION,
    entries: {
      email_host: textEntry('email_host', 255),
      email_port: {
        read: (values) => (typeof values.email_port === 'number' ? values.email_port : DEFAULTS.port),
        write: (value, change) => {
          if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
            throw invalid('email_port must be a port number from 1 to 65535');
          }
          change.email_port = value;
        },
      },
      email_username: textEntry('email_username', 255),
      email_password: {
        secret: true,
        read: () => '',
        write: (value, change) => {
          if (typeof value !== 'string' || [...value].length > 1024) {
            throw invalid('email_password must be text of at most 1024 characters');
          }
          // An empty password clears the stored one.
          change.email_password = value === '' ? undefined : secrets.seal(value, EMAIL_PASSWORD_CONTEXT);
        },
      },
      email_from: textEntry('email_from', 255),
      email_ssl: flagEntry('email_ssl'),
      email_insecure: flagEntry('email_insecure'),
      email_identity: textEntry('email_identity', 255),
    },
  };
}

/** The SMTP settings in the section, the password opened; undefined while no host is set. */
export function smtpSettingsOf(values: SettingSection, secrets: SecretBox): SmtpSettings | undefined {
  const host = text(values, 'email_host', '');
  if (host === '') return undefined;
  const sealed = text(values, 'email_password', '');
  return {
    host,
    port: typeof values.email_port === 'number' ? values.email_port : DEFAULTS.port,
    username: text(values, 'email_username', ''),
    password: sealed === '' ? '' : secrets.open(sealed, EMAIL_PASSWORD_CONTEXT),
    from: text(values, 'email_from', ''),
    ssl: flag(values, 'email_ssl', false),
    insecure: flag(values, 'email_insecure', false),
    identity: text(values, 'email_identity', ''),
  };
}

/**
 * `POST /email/ping` (Harbor 1.x's `POST /api/email/ping`): connects to the SMTP server and authenticates, sending
 * nothing. The given `email_*` values are tried over the stored ones (an administrator checks a change before saving
 * it); `email_password` absent means the stored one. System administrators only (updating `configuration`).
 */
export class EmailServerCheck {
  private readonly section: ConfigurationSection;

  constructor(
    private readonly store: Store,
    private readonly mailer: Mailer,
    private readonly secrets: SecretBox,
  ) {
    this.section = emailConfigurationSection(secrets);
  }

  /** Resolves when the server accepted the connection (and the login); InvalidError (400) saying why otherwise. */
  async ping(ctx: SecurityContext, input: Readonly<Record<string, unknown>>): Promise<void> {
    authorize(ctx, undefined, 'configuration', 'update');
    const change: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      const entry = this.section.entries[key];
      if (!entry?.write) throw invalid(`unsupported setting "${key}"`);
      if (value !== null && value !== undefined) entry.write(value, change);
    }
    const stored = await this.store.settings.getSection(EMAIL_SECTION);
    const smtp = smtpSettingsOf({ ...stored, ...change }, this.secrets);
    if (smtp === undefined) throw invalid('email_host is required');
    try {
      await this.mailer.verify(smtp);
    } catch (err) {
      throw invalid(
        `the SMTP server ${smtp.host}:${smtp.port} did not accept the connection: ${(err as Error).message}`,
      );
    }
  }
}
