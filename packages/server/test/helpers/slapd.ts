/**
 * A real OpenLDAP server for the LDAP tests: Debian's `slapd`, started as a child process with a slapd.conf of its
 * own (mdb backend, the memberof overlay) in a temporary directory, listening on a random port of 127.0.0.1, and
 * filled with ldapadd. Stopped (and its files removed) by `stop()`. Needs the `slapd` and `ldap-utils` packages
 * (scripts/install-test-deps.sh): without them the tests fail, they do not skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SLAPD = '/usr/sbin/slapd';
const MODULES = '/usr/lib/ldap';
const SCHEMAS = '/etc/ldap/schema';

export const BASE_DN = 'dc=wharf,dc=test';
export const PEOPLE_DN = `ou=people,${BASE_DN}`;
export const GROUPS_DN = `ou=groups,${BASE_DN}`;
export const ROOT_DN = `cn=admin,${BASE_DN}`;
export const ROOT_PASSWORD = 'root-secret';
/** The service account Wharf searches with (`ldap_search_dn`). */
export const READER_DN = `cn=reader,${BASE_DN}`;
export const READER_PASSWORD = 'reader-secret';
/** Excludes the disabled accounts (`description: disabled`), as an administrator's `ldap_filter` would. */
export const USER_FILTER = '(&(objectClass=inetOrgPerson)(!(description=disabled)))';

export const userDn = (uid: string): string => `uid=${uid},${PEOPLE_DN}`;
export const groupDn = (cn: string): string => `cn=${cn},${GROUPS_DN}`;

/**
 * The test directory: alice (in devs, which is in engineering), bob (in ops), carol (in admins, the group admin
 * DN), dave (disabled: the user filter excludes him), erin (no e-mail address, no group). `engineering` has the
 * group devs as a member, and `everyone-engineering` has engineering: groups of groups.
 */
export const DIRECTORY_LDIF = `dn: ${BASE_DN}
objectClass: dcObject
objectClass: organization
o: Wharf test
dc: wharf

dn: ${READER_DN}
objectClass: simpleSecurityObject
objectClass: organizationalRole
cn: reader
userPassword: ${READER_PASSWORD}

dn: ${PEOPLE_DN}
objectClass: organizationalUnit
ou: people

dn: ${GROUPS_DN}
objectClass: organizationalUnit
ou: groups

${person('alice', 'Alice Liddell', 'alice@wharf.test', 'alice-pw')}
${person('bob', 'Bob Builder', 'bob@wharf.test', 'bob-pw')}
${person('carol', 'Carol Danvers', 'carol@wharf.test', 'carol-pw')}
${person('dave', 'Dave Disabled', 'dave@wharf.test', 'dave-pw')}description: disabled

${person('erin', 'Erin Example', '', 'erin-pw')}
${group('devs', [userDn('alice')])}
${group('ops', [userDn('bob')])}
${group('admins', [userDn('carol')])}
${group('engineering', [groupDn('devs')])}
${group('everyone-engineering', [groupDn('engineering')])}`;

function person(uid: string, cn: string, mail: string, password: string): string {
  return [
    `dn: ${userDn(uid)}`,
    'objectClass: inetOrgPerson',
    `uid: ${uid}`,
    `cn: ${cn}`,
    `sn: ${cn.split(' ').at(-1)!}`,
    `displayName: ${cn}`,
    ...(mail ? [`mail: ${mail}`] : []),
    `userPassword: ${password}`,
    '',
  ].join('\n');
}

function group(cn: string, members: readonly string[]): string {
  return [
    `dn: ${groupDn(cn)}`,
    'objectClass: groupOfNames',
    `cn: ${cn}`,
    ...members.map((m) => `member: ${m}`),
    '',
  ].join('\n');
}

export interface Slapd {
  readonly url: string;
  readonly port: number;
  /** `ldaps://127.0.0.1:<port>` when started with a certificate (StartTLS is then offered on `url` too). */
  readonly ldapsUrl?: string;
  /** ldapmodify as the root DN (changetype records). */
  modify(ldif: string): Promise<void>;
  /** ldapadd as the root DN. */
  add(ldif: string): Promise<void>;
  stop(): Promise<void>;
}

function requireProgram(path: string, pkg: string): void {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: install the Debian package ${pkg} (scripts/install-test-deps.sh)`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function run(command: string, args: readonly string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${output}`)),
    );
    child.stdin.end(input);
  });
}

export interface SlapdOptions {
  readonly ldif?: string;
  /** PEM files of the server certificate (with its chain) and key: slapd then offers StartTLS and ldaps. */
  readonly tls?: { readonly certificate: string; readonly key: string };
}

/** Starts slapd with the test directory (or `ldif`), ready to answer. */
export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  const ldif = options.ldif ?? DIRECTORY_LDIF;
  requireProgram(SLAPD, 'slapd');
  requireProgram('/usr/bin/ldapadd', 'ldap-utils');
  const dir = await mkdtemp(join(tmpdir(), 'wharf-slapd-'));
  await mkdir(join(dir, 'data'));
  const conf = join(dir, 'slapd.conf');
  await writeFile(
    conf,
    [
      ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include ${SCHEMAS}/${s}.schema`),
      `modulepath ${MODULES}`,
      ...(options.tls
        ? [`TLSCertificateFile ${options.tls.certificate}`, `TLSCertificateKeyFile ${options.tls.key}`]
        : []),
      'moduleload back_mdb',
      'moduleload memberof',
      `pidfile ${join(dir, 'slapd.pid')}`,
      'database mdb',
      `suffix "${BASE_DN}"`,
      `rootdn "${ROOT_DN}"`,
      `rootpw ${ROOT_PASSWORD}`,
      `directory ${join(dir, 'data')}`,
      'maxsize 10485760',
      'overlay memberof',
      // Passwords: each user may bind (and read their own); the rest of the directory: bound users read it.
      'access to attrs=userPassword by self read by anonymous auth by * none',
      'access to * by users read by * none',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = options.tls ? `ldaps://127.0.0.1:${await freePort()}` : undefined;
  let log = '';
  // -d 0: stays in the foreground (a child of this process), logging nothing but errors.
  const child: ChildProcess = spawn(
    SLAPD,
    ['-f', conf, '-h', [url, ...(ldapsUrl ? [ldapsUrl] : [])].map((u) => `${u}/`).join(' '), '-d', '0'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  child.once('exit', () => (running = false));
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (!running) throw new Error(`slapd exited at start: ${log}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`slapd did not listen on ${url} within 10 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const asRoot = ['-x', '-H', url, '-D', ROOT_DN, '-w', ROOT_PASSWORD];
  const slapd: Slapd = {
    url,
    port,
    ...(ldapsUrl ? { ldapsUrl } : {}),
    add: (text) => run('/usr/bin/ldapadd', asRoot, text),
    modify: (text) => run('/usr/bin/ldapmodify', asRoot, text),
    async stop() {
      if (running) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(killer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await slapd.add(ldif);
  } catch (error) {
    await slapd.stop();
    throw error;
  }
  return slapd;
}
