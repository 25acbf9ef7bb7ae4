/**
 * LDAP / Active Directory: the identity provider of `ldap_auth` and the administrator's `/ldap` operations (ping,
 * user search and import, group search). Every operation opens one connection, binds the search DN, does its work
 * and closes; the settings are read from the `ldap` settings section each time, so a change applies at once on
 * every node.
 */
import { ConflictError, InvalidError } from '../domain/errors.js';
import type { SecretBox } from '../lib/secret-box.js';
import {
  IdentityProviderUnavailableError,
  type ExternalIdentity,
  type PasswordIdentityProvider,
} from '../ports/identity-provider.js';
import type { SettingRecords } from '../ports/identity/setting-records.js';
import type { UserRecords } from '../ports/identity/user-records.js';
import type { LdapDirectory } from '../ports/ldap-directory.js';
import type { SecurityContext } from '../services/authenticator.js';
import { authorize } from '../services/project-access.js';
import { invalid } from '../services/configurations.js';
import { DirectorySession, USER_SEARCH_LIMIT, type LdapGroup } from './ldap-directory-session.js';
import { equals } from './ldap-filter.js';
import { LDAP_SECTION, settingsOf, settingsWith, type LdapSettings } from './ldap-settings.js';

/** Creates or updates a Wharf user from what a provider says (services/identity/external-users.ts, ExternalUsers). */
export interface Onboarding {
  onboard(identity: ExternalIdentity, opts?: { syncGroups?: boolean }): Promise<unknown>;
}

export interface LdapDependencies {
  readonly settings: SettingRecords;
  readonly users: Pick<UserRecords, 'getByName'>;
  readonly box: SecretBox;
  readonly directory: LdapDirectory;
  /** How `/ldap/users/import` creates users (ExternalUsers, without groups: they are read at each login). */
  readonly onboarding?: Onboarding | undefined;
}

export interface LdapPingResult {
  readonly success: boolean;
  readonly message: string;
}

export interface LdapUserView {
  readonly username: string;
  readonly realname: string;
  readonly email: string;
}

export interface LdapGroupView {
  readonly group_name: string;
  readonly group_type: 1;
  readonly ldap_group_dn: string;
}

export interface LdapImportFailure {
  readonly uid: string;
  readonly error: string;
}

async function loadSettings(deps: LdapDependencies): Promise<LdapSettings> {
  return settingsOf(await deps.settings.getSection(LDAP_SECTION), deps.box);
}

/** The password identity provider of `ldap_auth`. */
export class LdapProvider implements PasswordIdentityProvider {
  readonly authMode = 'ldap_auth' as const;

  constructor(private readonly deps: LdapDependencies) {}

  /**
   * Finds the user with the search DN (the user filter AND the UID attribute equal to `username`), binds as the
   * user's DN with `password`, then reads the user's groups. Undefined for an unknown user, a name that matches
   * several entries, a user the filter excludes (disabled) and a wrong or empty password.
   */
  async authenticate(username: string, password: string): Promise<ExternalIdentity | undefined> {
    if (username === '' || password === '') return undefined;
    const settings = await loadSettings(this.deps);
    return DirectorySession.run(this.deps.directory, settings, async (session) => {
      const found = await session.findUsers(username, 2);
      if (found.length !== 1) return undefined;
      const user = found[0]!;
      if (!(await session.checkPassword(user, password))) return undefined;
      return session.identityOf(user);
    });
  }
}

/** The administrator's `/ldap` operations. */
export class LdapService {
  constructor(private readonly deps: LdapDependencies) {}

  /**
   * Connects and binds with the stored settings, or with `conf` (Harbor's LdapConf keys) over them: a failure is
   * an answer (`success: false` and why), not an error.
   */
  async ping(ctx: SecurityContext, conf: Readonly<Record<string, unknown>> = {}): Promise<LdapPingResult> {
    authorize(ctx, undefined, 'configuration', 'update');
    const settings = settingsWith(await loadSettings(this.deps), conf);
    try {
      await DirectorySession.run(this.deps.directory, settings, () => Promise.resolve());
      return { success: true, message: 'LDAP server reached; the search DN can bind' };
    } catch (error) {
      if (error instanceof IdentityProviderUnavailableError) return { success: false, message: error.message };
      throw error;
    }
  }

  /** The directory's users whose UID attribute is `username` (every user, up to 1000, without a name). */
  async searchUsers(ctx: SecurityContext, username: string | undefined): Promise<LdapUserView[]> {
    authorize(ctx, undefined, 'ldap-user', 'list');
    const settings = await loadSettings(this.deps);
    const name = username?.trim() ?? '';
    const users = await DirectorySession.run(this.deps.directory, settings, (session) =>
      session.findUsers(name, USER_SEARCH_LIMIT, name === ''),
    );
    return users.map((u) => ({ username: u.username, realname: u.realname, email: u.email ?? '' }));
  }

  /**
   * Creates Wharf users for these directory users (no password in Wharf; they sign in through LDAP). Returns the
   * failures: a UID the directory does not know (or knows twice), and a user Wharf already has.
   */
  async importUsers(ctx: SecurityContext, uids: readonly string[]): Promise<LdapImportFailure[]> {
    authorize(ctx, undefined, 'ldap-user', 'create');
    const onboarding = this.deps.onboarding;
    if (!onboarding) throw invalid('importing LDAP users is not available on this server');
    const settings = await loadSettings(this.deps);
    const names = [...new Set(uids.map((u) => u.trim()))];
    return DirectorySession.run(this.deps.directory, settings, async (session) => {
      const failures: LdapImportFailure[] = [];
      for (const uid of names) {
        const found = uid === '' ? [] : await session.findUsers(uid, 2);
        if (found.length !== 1) {
          failures.push({ uid, error: found.length === 0 ? 'not found in the LDAP directory' : 'not unique' });
          continue;
        }
        const user = found[0]!;
        if (await this.deps.users.getByName(user.username)) {
          failures.push({ uid, error: `user ${user.username} already exists` });
          continue;
        }
        try {
          await onboarding.onboard(
            { username: user.username, email: user.email, realname: user.realname, groups: [], admin: false },
            { syncGroups: false },
          );
        } catch (error) {
          // A name Wharf cannot hold, or one a local user has.
          if (!(error instanceof ConflictError || error instanceof InvalidError)) throw error;
          failures.push({ uid, error: error.message });
        }
      }
      return failures;
    });
  }

  /** Groups under the group base DN by name (the group name attribute), or the group at a DN. */
  async searchGroups(
    ctx: SecurityContext,
    query: { readonly groupname?: string | undefined; readonly groupdn?: string | undefined },
  ): Promise<LdapGroupView[]> {
    authorize(ctx, undefined, 'user-group', 'list');
    const name = query.groupname?.trim() ?? '';
    const dn = query.groupdn?.trim() ?? '';
    if (name === '' && dn === '') throw invalid('give groupname or groupdn');
    const settings = await loadSettings(this.deps);
    if (settings.groupBaseDn === '' && dn === '') throw invalid('ldap_group_base_dn is not configured');
    const groups = await DirectorySession.run(this.deps.directory, settings, async (session): Promise<LdapGroup[]> => {
      if (dn !== '') {
        const group = await session.groupAt(dn);
        return group && (name === '' || group.name === name) ? [group] : [];
      }
      return session.searchGroups(equals(settings.groupNameAttribute, name), USER_SEARCH_LIMIT);
    });
    return groups.map((g) => ({ group_name: g.name, group_type: 1, ldap_group_dn: g.dn }));
  }
}
