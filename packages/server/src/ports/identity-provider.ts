import { UnavailableError } from '../domain/errors.js';

/**
 * Identity providers: where users other than the local administrator prove who they are when `auth_mode` is not
 * `db_auth` (docs/architecture.md, "Identity providers"). The database stays the provider of `db_auth` and of the
 * bootstrap `admin` in every mode; an LDAP directory (`ldap_auth`), an OpenID provider (`oidc_auth`: the password of
 * a CLI login is the user's CLI secret) and an authenticating proxy (`http_auth`) are providers of this port. The
 * services onboard what a provider returns (services/identity/external-users.ts): the user is created at first
 * login, and its groups are read at every login and kept as the user's group memberships.
 */

/** The authentication modes of Harbor's `auth_mode`. */
export type AuthMode = 'db_auth' | 'ldap_auth' | 'oidc_auth' | 'http_auth';

export const AUTH_MODES: readonly AuthMode[] = ['db_auth', 'ldap_auth', 'oidc_auth', 'http_auth'];

/** Harbor's user group types: 1 an LDAP group, 2 an HTTP (authenticating proxy) group, 3 an OIDC group. */
export type GroupType = 1 | 2 | 3;

export const GROUP_TYPE = { ldap: 1, http: 2, oidc: 3 } as const satisfies Record<string, GroupType>;

/** A group the provider says the user belongs to. */
export interface ExternalGroup {
  readonly type: GroupType;
  /** The group's name (LDAP: its GID attribute, e.g. `cn`; OIDC: the groups claim's value). */
  readonly name: string;
  /** LDAP only: the group's DN, which identifies it (names need not be unique in a directory). */
  readonly ldapDn?: string;
}

/** Who a provider says a user is. */
export interface ExternalIdentity {
  /** The name the user is known by in Wharf (LDAP: the UID attribute; OIDC: the user claim or the onboarded name). */
  readonly username: string;
  readonly email?: string | null;
  readonly realname?: string;
  /** Every group the user belongs to now (LDAP: with nested groups when configured); replaces those of the last login. */
  readonly groups: readonly ExternalGroup[];
  /** The provider makes this user a system administrator (LDAP group admin DN, OIDC admin group). */
  readonly admin: boolean;
}

/**
 * The provider could not tell (unreachable, timed out, misconfigured): answered 503 with Retry-After, never as a
 * wrong password, and counted as no failed login.
 */
export class IdentityProviderUnavailableError extends UnavailableError {
  override readonly name = 'IdentityProviderUnavailableError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 5, options);
  }
}

/** Checks a user name and a password (or CLI secret) against an external source. */
export interface PasswordIdentityProvider {
  readonly authMode: Exclude<AuthMode, 'db_auth'>;
  /**
   * The identity of these credentials, or undefined when the name or password is wrong or the account is disabled.
   * Throws IdentityProviderUnavailableError when it cannot tell.
   */
  authenticate(username: string, password: string): Promise<ExternalIdentity | undefined>;
}
