/**
 * An LDAP directory (OpenLDAP, Active Directory…) as the LDAP feature (ldap/) sees it: a connection that binds and
 * searches. The adapter (adapters/identity/ldap-directory.ts) speaks the protocol; filters are RFC 4515 strings the
 * feature builds (and escapes) itself.
 */

export interface LdapConnectionOptions {
  /** `ldap://host[:port]` or `ldaps://host[:port]`. */
  readonly url: string;
  /** Upgrade an `ldap://` connection with StartTLS before anything else is sent. */
  readonly startTls: boolean;
  /** Check the server's certificate (ldaps and StartTLS) against the trusted CAs. */
  readonly verifyCertificate: boolean;
  /** The limit of the TCP connection and of each operation, in milliseconds. */
  readonly timeoutMs: number;
}

/** 0 base, 1 one level, 2 subtree: Harbor's `ldap_scope` values. */
export type LdapScope = 0 | 1 | 2;

export interface LdapSearchRequest {
  readonly base: string;
  readonly scope: LdapScope;
  readonly filter: string;
  /** The attributes to return ([] for none but the DN). */
  readonly attributes: readonly string[];
  /** At most this many entries (0: the server's limit); a search that finds more returns the first ones. */
  readonly sizeLimit?: number;
}

export interface LdapEntry {
  readonly dn: string;
  /** The values of the requested attributes present in the entry, keyed by the attribute name in lower case. */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
}

export interface LdapConnection {
  /** A simple bind; false when the directory refuses the credentials (invalidCredentials). */
  bind(dn: string, password: string): Promise<boolean>;
  /** The entries found; [] when the base does not exist. */
  search(request: LdapSearchRequest): Promise<LdapEntry[]>;
  /** Unbinds and closes; never throws. */
  close(): Promise<void>;
}

export interface LdapDirectory {
  /** A connection (established, and upgraded with StartTLS when asked); LdapUnreachableError when it cannot be. */
  connect(options: LdapConnectionOptions): Promise<LdapConnection>;
}

/**
 * The directory cannot answer: refused or timed-out connection, TLS failure, a broken session, or a failure the
 * directory reports other than wrong credentials (an unwilling server, a malformed filter…).
 */
export class LdapUnreachableError extends Error {
  override readonly name = 'LdapUnreachableError';
}
