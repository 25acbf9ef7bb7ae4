/**
 * The LDAP directory port over ldapts (a maintained, dependency-light LDAPv3 client in TypeScript): one TCP (or TLS)
 * connection per `connect`, upgraded with StartTLS when asked, with a time limit on connecting and on each
 * operation. Wrong credentials are `false`, a missing search base is no entry; every other failure (refused,
 * timed out, TLS, a result code the directory returns) is an LdapUnreachableError with the reason in its message.
 */
import { Client, InvalidCredentialsError, NoSuchObjectError, ResultCodeError } from 'ldapts';
import type { ConnectionOptions } from 'node:tls';
import {
  LdapUnreachableError,
  type LdapConnection,
  type LdapConnectionOptions,
  type LdapDirectory,
  type LdapEntry,
  type LdapSearchRequest,
} from '../../ports/ldap-directory.js';

const SCOPES = { 0: 'base', 1: 'one', 2: 'sub' } as const;

function describe(error: unknown, url: string): LdapUnreachableError {
  if (error instanceof LdapUnreachableError) return error;
  if (error instanceof ResultCodeError) {
    return new LdapUnreachableError(`LDAP server ${url} answered: ${error.message} (result code ${error.code})`, {
      cause: error,
    });
  }
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') return new LdapUnreachableError(`LDAP server ${url} refused the connection`);
  if (/timeout|timed out/i.test(message)) {
    return new LdapUnreachableError(`LDAP server ${url} did not answer in time (${message})`, { cause: error });
  }
  return new LdapUnreachableError(`LDAP server ${url} cannot be reached: ${message}`, { cause: error });
}

function valuesOf(value: Buffer | Buffer[] | string[] | string): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (typeof v === 'string' ? v : v.toString('utf8')));
}

class LdaptsConnection implements LdapConnection {
  constructor(
    private readonly client: Client,
    private readonly url: string,
  ) {}

  async bind(dn: string, password: string): Promise<boolean> {
    try {
      await this.client.bind(dn, password);
      return true;
    } catch (error) {
      if (error instanceof InvalidCredentialsError) return false;
      throw describe(error, this.url);
    }
  }

  async search(request: LdapSearchRequest): Promise<LdapEntry[]> {
    try {
      const { searchEntries } = await this.client.search(request.base, {
        scope: SCOPES[request.scope],
        filter: request.filter,
        attributes: request.attributes.length === 0 ? ['1.1'] : [...request.attributes],
        sizeLimit: request.sizeLimit ?? 0,
      });
      return searchEntries.map(({ dn, ...rest }) => {
        const attributes: Record<string, string[]> = {};
        for (const [name, value] of Object.entries(rest)) attributes[name.toLowerCase()] = valuesOf(value);
        return { dn, attributes };
      });
    } catch (error) {
      if (error instanceof NoSuchObjectError) return [];
      throw describe(error, this.url);
    }
  }

  async close(): Promise<void> {
    try {
      await this.client.unbind();
    } catch {
      // Closing a connection that already failed: nothing to do.
    }
  }
}

export class LdaptsDirectory implements LdapDirectory {
  async connect(options: LdapConnectionOptions): Promise<LdapConnection> {
    const tlsOptions: ConnectionOptions = { rejectUnauthorized: options.verifyCertificate, minVersion: 'TLSv1.2' };
    let client: Client;
    try {
      client = new Client({
        url: options.url,
        timeout: options.timeoutMs,
        connectTimeout: options.timeoutMs,
        // ldapts speaks TLS from the start whenever it is given TLS options: only for ldaps://.
        ...(options.url.toLowerCase().startsWith('ldaps:') ? { tlsOptions } : {}),
        strictDN: false,
      });
    } catch (error) {
      throw new LdapUnreachableError(`${options.url} is not an LDAP URL: ${(error as Error).message}`);
    }
    const connection = new LdaptsConnection(client, options.url);
    if (options.startTls) {
      try {
        await client.startTLS(tlsOptions);
      } catch (error) {
        await connection.close();
        throw describe(error, options.url);
      }
    }
    return connection;
  }
}
