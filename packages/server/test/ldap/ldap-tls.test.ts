import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LdaptsDirectory } from '../../src/adapters/identity/ldap-directory.js';
import { makeCerts } from '../../src/cli/certs.js';
import { SecretBox } from '../../src/lib/secret-box.js';
import { LdapProvider } from '../../src/ldap/ldap-service.js';
import { LDAP_SECTION, SEARCH_PASSWORD_CONTEXT } from '../../src/ldap/ldap-settings.js';
import { IdentityProviderUnavailableError } from '../../src/ports/identity-provider.js';
import { PEOPLE_DN, READER_DN, READER_PASSWORD, startSlapd, USER_FILTER, type Slapd } from '../helpers/slapd.js';
import { useTestRegistry } from '../helpers/test-registry.js';

/**
 * LDAP over TLS: slapd with a certificate from `wharf certs`' private CA offers ldaps and StartTLS. The CA is not
 * among the process's trusted ones, so with ldap_verify_cert the connection is refused (as an unavailable
 * directory), and without it the login goes through.
 */
const reg = useTestRegistry();
const box = new SecretBox(randomBytes(32));
let slapd: Slapd;
let certs: string;
let provider: LdapProvider;

beforeAll(async () => {
  certs = await mkdtemp(path.join(tmpdir(), 'wharf-ldap-certs-'));
  const { files } = await makeCerts({ out: certs, sans: ['127.0.0.1'], force: false, days: 1 });
  slapd = await startSlapd({ tls: { certificate: files.cert, key: files.key } });
  provider = new LdapProvider({
    settings: reg.wharf.store.settings,
    users: reg.wharf.store.users,
    box,
    directory: new LdaptsDirectory(),
  });
});

afterAll(async () => {
  await slapd?.stop();
  if (certs) await rm(certs, { recursive: true, force: true });
});

async function configure(values: Record<string, unknown>): Promise<void> {
  await reg.wharf.store.settings.setSection(LDAP_SECTION, {
    ldap_search_dn: READER_DN,
    ldap_search_password: box.seal(READER_PASSWORD, SEARCH_PASSWORD_CONTEXT),
    ldap_base_dn: PEOPLE_DN,
    ldap_filter: USER_FILTER,
    ldap_uid: 'uid',
    ...values,
  });
}

describe('LDAP over TLS (slapd with a private CA)', () => {
  it('signs in over ldaps and over StartTLS without certificate verification', async () => {
    await configure({ ldap_url: slapd.ldapsUrl, ldap_start_tls: false, ldap_verify_cert: false });
    expect((await provider.authenticate('alice', 'alice-pw'))?.username).toBe('alice');
    await configure({ ldap_url: slapd.url, ldap_start_tls: true, ldap_verify_cert: false });
    expect((await provider.authenticate('alice', 'alice-pw'))?.username).toBe('alice');
    expect(await provider.authenticate('alice', 'wrong')).toBeUndefined();
  });

  it('refuses an untrusted certificate when ldap_verify_cert is set, as an unavailable directory', async () => {
    await configure({ ldap_url: slapd.ldapsUrl, ldap_start_tls: false, ldap_verify_cert: true });
    await expect(provider.authenticate('alice', 'alice-pw')).rejects.toThrow(IdentityProviderUnavailableError);
    await configure({ ldap_url: slapd.url, ldap_start_tls: true, ldap_verify_cert: true });
    await expect(provider.authenticate('alice', 'alice-pw')).rejects.toThrow(/certificate/);
  });
});
