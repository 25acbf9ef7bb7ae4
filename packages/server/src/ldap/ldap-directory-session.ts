/**
 * What Wharf asks an LDAP directory, over one connection: the search DN's bind, finding users by their UID
 * attribute, checking a password, and reading a user's groups (through the membership attribute on the user's entry,
 * e.g. `memberOf`, or a group search `member=<user DN>`), with groups of groups when `ldap_nested_groups` is set.
 */
import {
  IdentityProviderUnavailableError,
  GROUP_TYPE,
  type ExternalGroup,
  type ExternalIdentity,
} from '../ports/identity-provider.js';
import {
  LdapUnreachableError,
  type LdapConnection,
  type LdapDirectory,
  type LdapEntry,
  type LdapSearchRequest,
} from '../ports/ldap-directory.js';
import { and, equals, isUnder, normalizeDn, or } from './ldap-filter.js';
import type { LdapSettings } from './ldap-settings.js';

/** How deep groups of groups are followed (a cycle stops earlier: each group is visited once). */
const NESTING_LIMIT = 10;
/** Group DNs per OR filter when following groups of groups. */
const FILTER_BATCH = 50;
/** Group entries read at once when `ldap_group_attach_parallel` is set (Harbor uses 5 workers). */
const PARALLEL_LOOKUPS = 5;
/** The most users a search for everyone (`/ldap/users/search` without a name) returns. */
export const USER_SEARCH_LIMIT = 1000;

export interface LdapUser {
  readonly dn: string;
  readonly username: string;
  readonly email: string | null;
  readonly realname: string;
  /** The values of the membership attribute on the user's entry (group DNs), when it has any. */
  readonly memberOf: readonly string[];
}

export interface LdapGroup {
  readonly dn: string;
  readonly name: string;
}

function first(entry: LdapEntry, attribute: string): string | undefined {
  return entry.attributes[attribute.toLowerCase()]?.[0];
}

/** An LDAP session that turns directory failures into IdentityProviderUnavailableError. */
export class DirectorySession {
  /** Bound as a user (checkPassword) rather than the search DN: the next search binds the search DN again. */
  private boundAsUser = false;

  private constructor(
    private readonly connection: LdapConnection,
    readonly settings: LdapSettings,
  ) {}

  /** Runs `work` on a new connection (closed afterwards), bound with the search DN (anonymous when it is empty). */
  static async run<T>(
    directory: LdapDirectory,
    settings: LdapSettings,
    work: (session: DirectorySession) => Promise<T>,
  ): Promise<T> {
    if (settings.url === '') throw new IdentityProviderUnavailableError('LDAP is not configured: ldap_url is empty');
    let connection: LdapConnection;
    try {
      connection = await directory.connect({
        url: settings.url,
        startTls: settings.startTls,
        verifyCertificate: settings.verifyCert,
        timeoutMs: settings.timeoutSeconds * 1000,
      });
    } catch (error) {
      throw unavailable(error);
    }
    const session = new DirectorySession(connection, settings);
    try {
      await session.bindSearchDn();
      return await work(session);
    } catch (error) {
      throw unavailable(error);
    } finally {
      await connection.close();
    }
  }

  /** Binds with the search DN and password; IdentityProviderUnavailableError when the directory refuses them. */
  async bindSearchDn(): Promise<void> {
    const { searchDn, searchPassword } = this.settings;
    if (searchDn === '') {
      // An anonymous search: a simple bind with no name and no password.
      if (!(await this.connection.bind('', ''))) throw new IdentityProviderUnavailableError('anonymous bind refused');
      return;
    }
    if (searchPassword === '' || !(await this.connection.bind(searchDn, searchPassword))) {
      throw new IdentityProviderUnavailableError(`the LDAP server refused the search DN ${searchDn} and its password`);
    }
  }

  /** Users whose UID attribute is `username` exactly ('*' with `any`: every user), at most `limit`. */
  async findUsers(username: string, limit: number, any = false): Promise<LdapUser[]> {
    const s = this.settings;
    const uidFilter = any ? `(${s.uid}=*)` : equals(s.uid, username);
    const membership = s.groupMembershipAttribute;
    const entries = await this.search({
      base: s.baseDn,
      scope: s.scope,
      filter: and(s.filter, uidFilter),
      attributes: [s.uid, 'mail', 'email', 'displayName', 'cn', ...(membership ? [membership] : [])],
      sizeLimit: limit,
    });
    return entries.map((entry) => {
      // A multi-valued UID attribute (cn often is): the value that was asked for, as the directory spells it.
      const uids = entry.attributes[s.uid.toLowerCase()] ?? [];
      const uid = uids.find((v) => v.toLowerCase() === username.toLowerCase()) ?? uids[0] ?? username;
      return {
        dn: entry.dn,
        username: uid,
        email: first(entry, 'mail') ?? first(entry, 'email') ?? null,
        realname: first(entry, 'displayName') ?? first(entry, 'cn') ?? uid,
        memberOf: membership ? (entry.attributes[membership.toLowerCase()] ?? []) : [],
      };
    });
  }

  /** Whether `password` is the user's; the connection is bound as the search DN again afterwards. */
  async checkPassword(user: LdapUser, password: string): Promise<boolean> {
    // An empty password would make a simple bind "unauthenticated", which servers accept (RFC 4513 §5.1.2).
    if (password === '') return false;
    this.boundAsUser = true;
    return this.connection.bind(user.dn, password);
  }

  /** Searches as the search DN (a user may not read the groups). */
  private async search(request: LdapSearchRequest): Promise<LdapEntry[]> {
    if (this.boundAsUser) {
      await this.bindSearchDn();
      this.boundAsUser = false;
    }
    return this.connection.search(request);
  }

  /** Who `user` is to Wharf: groups read now (with nested groups when configured) and admin by the group admin DN. */
  async identityOf(user: LdapUser): Promise<ExternalIdentity> {
    const s = this.settings;
    const groups = s.groupBaseDn === '' ? [] : await this.groupsOf(user);
    let admin = false;
    if (s.groupAdminDn !== '') {
      const adminDn = normalizeDn(s.groupAdminDn);
      admin =
        user.memberOf.some((dn) => normalizeDn(dn) === adminDn) || groups.some((g) => normalizeDn(g.dn) === adminDn);
      // Not found among the groups read: they may not cover it (outside the group base DN, or no base DN at all).
      if (!admin && (s.groupBaseDn === '' || !isUnder(s.groupAdminDn, s.groupBaseDn))) {
        const found = await this.search({
          base: s.groupAdminDn,
          scope: 0,
          filter: equals('member', user.dn),
          attributes: [],
        });
        admin = found.length > 0;
      }
    }
    return {
      username: user.username,
      email: user.email,
      realname: user.realname,
      groups: groups.map((g): ExternalGroup => ({ type: GROUP_TYPE.ldap, name: g.name, ldapDn: g.dn })),
      admin,
    };
  }

  /** The user's groups under the group base DN, nested ones included when configured. */
  async groupsOf(user: LdapUser): Promise<LdapGroup[]> {
    const s = this.settings;
    const direct =
      user.memberOf.length > 0 && s.groupMembershipAttribute !== ''
        ? await this.groupsNamed(user.memberOf.filter((dn) => isUnder(dn, s.groupBaseDn)))
        : await this.searchGroups(equals('member', user.dn));
    if (!s.nestedGroups) return direct;
    const seen = new Map(direct.map((g) => [normalizeDn(g.dn), g]));
    let frontier = direct;
    for (let depth = 0; depth < NESTING_LIMIT && frontier.length > 0; depth++) {
      const next: LdapGroup[] = [];
      for (let i = 0; i < frontier.length; i += FILTER_BATCH) {
        const batch = frontier.slice(i, i + FILTER_BATCH);
        for (const group of await this.searchGroups(or(batch.map((g) => equals('member', g.dn))))) {
          const key = normalizeDn(group.dn);
          if (seen.has(key)) continue;
          seen.set(key, group);
          next.push(group);
        }
      }
      frontier = next;
    }
    return [...seen.values()];
  }

  /** Groups under the group base DN matching the group filter and `filter`. */
  async searchGroups(filter: string, limit = 0): Promise<LdapGroup[]> {
    const s = this.settings;
    const entries = await this.search({
      base: s.groupBaseDn,
      scope: s.groupSearchScope,
      filter: and(s.groupFilter, filter),
      attributes: [s.groupNameAttribute],
      sizeLimit: limit,
    });
    return entries.map((e) => ({ dn: e.dn, name: first(e, s.groupNameAttribute) ?? e.dn }));
  }

  /** The group at `dn` when it matches the group filter. */
  async groupAt(dn: string): Promise<LdapGroup | undefined> {
    const s = this.settings;
    const [entry] = await this.search({
      base: dn,
      scope: 0,
      filter: and(s.groupFilter),
      attributes: [s.groupNameAttribute],
    });
    return entry && { dn: entry.dn, name: first(entry, s.groupNameAttribute) ?? entry.dn };
  }

  /**
   * The groups at these DNs (values of the membership attribute). With no group filter and DNs whose first RDN is
   * the group name attribute (`cn=devs,…` and `cn`), the names come from the DNs without asking the directory;
   * otherwise each entry is read, 5 at a time with `ldap_group_attach_parallel`, one by one without.
   */
  private async groupsNamed(dns: readonly string[]): Promise<LdapGroup[]> {
    const s = this.settings;
    const nameAttribute = s.groupNameAttribute.toLowerCase();
    if (s.groupFilter.trim() === '') {
      const named = dns.map((dn) => {
        const match = /^\s*([^=,+]+?)\s*=\s*((?:\\.|[^,+\\])*)/.exec(dn);
        return match && match[1]!.toLowerCase() === nameAttribute && { dn, name: unescapeDnValue(match[2]!.trim()) };
      });
      if (named.every((g) => g)) return named as LdapGroup[];
    }
    const found: LdapGroup[] = [];
    const width = s.groupAttachParallel ? PARALLEL_LOOKUPS : 1;
    for (let i = 0; i < dns.length; i += width) {
      const groups = await Promise.all(dns.slice(i, i + width).map((dn) => this.groupAt(dn)));
      for (const g of groups) if (g) found.push(g);
    }
    return found;
  }
}

/** A DN attribute value without its escapes (RFC 4514): `\,` and `\2C` are both a comma. */
function unescapeDnValue(value: string): string {
  const chars = Array.from(value);
  const bytes: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    const hex = chars.slice(i + 1, i + 3).join('');
    if (chars[i] === '\\' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      if (chars[i] === '\\' && i + 1 < chars.length) i++;
      bytes.push(...Buffer.from(chars[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function unavailable(error: unknown): unknown {
  if (error instanceof LdapUnreachableError)
    return new IdentityProviderUnavailableError(error.message, { cause: error });
  return error;
}
