// End-to-end: enterprise identity through the portal. A user of a real LDAP directory (slapd, started here) signs in
// with the sign-in form, sees the private project their LDAP group was given, creates a personal access token on the
// tokens page, and pushes and pulls with skopeo and podman using it. A user of a real OpenID provider (started here,
// with its own login page) signs in with "Sign in via …", chooses their user name, sees the project their OIDC group
// was given, reads their CLI secret on the profile page, and pushes and pulls with skopeo and podman using it.
// auth_mode cannot change once users exist: each part has its own Wharf.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GROUPS_DN,
  PEOPLE_DN,
  READER_DN,
  READER_PASSWORD,
  USER_FILTER,
  groupDn,
  startSlapd,
  type Slapd,
} from '../../server/test/helpers/slapd.js';
import {
  buildMultiLayerImage,
  requireTools,
  run,
  sha256Digest,
  runBytes,
} from '../../server/test/helpers/oci-images.js';
import { freePort, startWharf, type RunningRegistry } from '../../server/test/helpers/registry-process.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  startTestOpenIdProvider,
  type TestOpenIdProvider,
} from '../../server/test/oidc/oidc-provider-harness.js';
import { accessibilityViolations } from './accessibility.js';
import { launchChromium, newContext, screenshot } from './browser.js';
import { ADMIN_AUTH, ADMIN_PASSWORD, POLL, settle } from './portal-session.js';
import { untranslatedWords } from './untranslated.js';

const STEP_TIMEOUT = 120_000;
const execFileAsync = promisify(execFile);

/** podman's own store, in a lower-case directory (podman names images pulled from `oci:DIR` after DIR). */
let work = '';
let browser: Browser | undefined;
let layoutDigest = '';

async function admin(wharf: RunningRegistry, method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${wharf.url}/api/v2.0${path}`, {
    method,
    headers: { ...ADMIN_AUTH, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return res;
}

async function privateProject(wharf: RunningRegistry, name: string): Promise<void> {
  await admin(wharf, 'POST', '/projects', { project_name: name, metadata: { public: 'false' } });
}

const skopeo = (...args: string[]): Promise<string> => run('skopeo', args, { timeoutMs: 90_000 });

/** skopeo copies the test image to `repository:tag` and back as `user:secret`; the manifest pulled is the one pushed. */
async function skopeoPushPull(wharf: RunningRegistry, repository: string, user: string, secret: string): Promise<void> {
  const creds = `${user}:${secret}`;
  const ref = `docker://${wharf.host}/${repository}:v1`;
  await skopeo(
    'copy',
    '--quiet',
    '--dest-tls-verify=false',
    `--dest-creds=${creds}`,
    '--preserve-digests',
    `oci:${join(work, 'layout')}:v1`,
    ref,
  );
  const raw = await runBytes('skopeo', ['inspect', '--raw', '--tls-verify=false', `--creds=${creds}`, ref]);
  expect(sha256Digest(raw)).toBe(layoutDigest);
  const pulled = join(work, `pulled-${randomBytes(4).toString('hex')}`);
  await skopeo('copy', '--quiet', '--src-tls-verify=false', `--src-creds=${creds}`, ref, `oci:${pulled}:v1`);
  // A wrong secret is refused.
  await expect(skopeo('inspect', '--raw', '--tls-verify=false', `--creds=${user}:Wr0ng-secret`, ref)).rejects.toThrow(
    /denied|unauthori[sz]ed|forbidden|401|403/i,
  );
}

async function podman(args: string[], stdin?: string): Promise<string> {
  const store = [
    ...['--root', join(work, 'storage'), '--runroot', join(work, 'run'), '--tmpdir', join(work, 'libpod-tmp')],
    ...['--storage-driver', 'vfs', '--events-backend', 'file', '--cgroup-manager', 'cgroupfs'],
  ];
  const child = execFileAsync('podman', [...store, ...args], {
    env: { ...process.env, CONTAINERS_STORAGE_CONF: join(work, 'storage.conf'), TMPDIR: join(work, 'tmp') },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 90_000,
  });
  // Secrets go through stdin, never on the command line.
  child.child.stdin?.end(stdin ?? '');
  try {
    return (await child).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    throw new Error(`podman ${args.join(' ')} failed: ${e.message ?? ''}\n--- stderr ---\n${e.stderr ?? ''}`);
  }
}

const lastLine = (out: string): string => (out.trim().split('\n').at(-1) ?? '').trim();

/**
 * podman logs in as `user` with `secret` (its own auth file), pushes the test image to `repository:podman`, removes
 * it from its store and pulls it back: the same image.
 */
async function podmanPushPull(wharf: RunningRegistry, repository: string, user: string, secret: string): Promise<void> {
  const authfile = join(work, `auth-${user}.json`);
  const tls = '--tls-verify=false';
  await podman(['login', tls, '--authfile', authfile, '-u', user, '--password-stdin', wharf.host], `${secret}\n`);
  const imageId = lastLine(await podman(['pull', '--quiet', `oci:${join(work, 'layout')}:v1`]));
  const ref = `${wharf.host}/${repository}:podman`;
  await podman(['push', tls, '--authfile', authfile, imageId, `docker://${ref}`]);
  await podman(['rmi', '--force', imageId]);
  expect(lastLine(await podman(['pull', tls, '--quiet', '--authfile', authfile, ref]))).toBe(imageId);
  await podman(['rmi', '--force', imageId]);
  await podman(['logout', '--authfile', authfile, wharf.host]);
}

/** The names of the projects on the projects page. */
async function projectNames(page: Page): Promise<string[]> {
  await page.getByRole('heading', { name: 'Projects' }).waitFor();
  await page.locator('tr.ant-table-row').first().waitFor();
  return (await page.locator('tr.ant-table-row td:first-child').allInnerTexts()).map((name) => name.trim());
}

/**
 * The administrator, in a browser that prefers Chinese, opens the authentication settings (the directory's or the
 * provider's settings with their help texts) and the user groups (`group` listed): both pass axe-core's rules and
 * have no English left but names and terms of art.
 */
async function adminPagesInChinese(wharf: RunningRegistry, name: string, group: string): Promise<void> {
  const page = await (await newContext(browser!, wharf.url, 'zh-CN', { bypassCSP: true })).newPage();
  await page.goto('/sign-in');
  // In oidc_auth mode the password form is behind a button.
  if (name === 'oidc') await page.getByRole('button', { name: '以本地用户登录' }).click();
  await page.getByLabel('用户名或邮箱').fill('admin');
  await page.getByLabel('密码').fill(ADMIN_PASSWORD);
  await page.getByLabel('密码').press('Enter');
  await page.waitForURL(/\/projects$/);
  for (const [tab, url, shown] of [
    ['auth', '/admin/auth', name === 'ldap' ? 'LDAP' : 'OIDC'],
    ['groups', '/admin/groups', group],
  ] as const) {
    await page.goto(url);
    await page.getByText(shown, { exact: false }).first().waitFor();
    await settle(page);
    await screenshot(page, `identity-${name}-${tab}-zh-CN`);
    const text = `${await page.title()}\n${await page.locator('body').innerText()}`;
    expect(untranslatedWords(text, ['admin', group]), `${name} ${tab}`).toEqual([]);
    expect(await accessibilityViolations(page), `${name} ${tab}`).toEqual([]);
  }
  await page.context().close();
}

beforeAll(async () => {
  await requireTools('skopeo', 'umoci', 'podman');
  work = join(tmpdir(), `wharf-e2e-identity-${randomBytes(6).toString('hex')}`);
  await mkdir(join(work, 'tmp'), { recursive: true });
  await mkdir(join(work, 'libpod-tmp'));
  await writeFile(
    join(work, 'storage.conf'),
    `[storage]\ndriver = "vfs"\ngraphroot = "${join(work, 'storage')}"\nrunroot = "${join(work, 'run')}"\n`,
  );
  layoutDigest = (await buildMultiLayerImage(join(work, 'layout'), 'v1')).manifestDigest;
  browser = await launchChromium();
}, STEP_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('an LDAP user in the portal and with skopeo and podman', { timeout: STEP_TIMEOUT }, () => {
  let slapd: Slapd | undefined;
  let wharf: RunningRegistry | undefined;

  beforeAll(async () => {
    slapd = await startSlapd();
    wharf = await startWharf();
    await admin(wharf, 'PUT', '/configurations', {
      auth_mode: 'ldap_auth',
      ldap_url: slapd.url,
      ldap_search_dn: READER_DN,
      ldap_search_password: READER_PASSWORD,
      ldap_base_dn: PEOPLE_DN,
      ldap_filter: USER_FILTER,
      ldap_uid: 'uid',
      ldap_group_base_dn: GROUPS_DN,
      ldap_group_search_filter: '(objectClass=groupOfNames)',
    });
    await privateProject(wharf, 'ldap-team');
    await privateProject(wharf, 'ldap-secret');
    // alice is in devs: her only way into ldap-team.
    await admin(wharf, 'POST', '/projects/ldap-team/members', {
      role_id: 2,
      member_group: { group_type: 1, ldap_group_dn: groupDn('devs') },
    });
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await wharf?.stop();
    await slapd?.stop();
  });

  it('signs in with the directory password, sees the project of her group, and creates a token on /tokens', async () => {
    const page = await (await newContext(browser!, wharf!.url, 'en-US')).newPage();
    await page.goto('/sign-in');
    await page.getByLabel('User name or e-mail').fill('alice');
    await page.getByLabel('Password').fill('wrong-pw');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Password').fill('alice-pw');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/projects$/);
    const projects = await projectNames(page);
    expect(projects).toContain('ldap-team');
    expect(projects).not.toContain('ldap-secret');
    await screenshot(page, 'identity-ldap-projects');

    await page.goto('/tokens');
    await page.getByRole('button', { name: 'New token' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('ci');
    await dialog.getByLabel('Project of scope 1').fill('ldap-team');
    await dialog.getByRole('checkbox', { name: 'Push', exact: true }).check();
    await dialog.getByRole('button', { name: 'OK' }).click();
    const secret = (await page.getByTestId('token-secret').innerText()).trim();
    expect(secret).toMatch(/^\S{20,}$/);
    await screenshot(page, 'identity-ldap-token');
    // The dialog's own button (the creation dialog may still be closing, with its corner ×).
    await page.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();
    await page.locator('tr.ant-table-row', { hasText: 'ci' }).waitFor();
    await page.context().close();

    await skopeoPushPull(wharf!, 'ldap-team/app', 'alice', secret);
    await podmanPushPull(wharf!, 'ldap-team/app', 'alice', secret);
    // The token's scope is ldap-team: not the project alice cannot see.
    await expect(
      skopeo(
        'inspect',
        '--raw',
        '--tls-verify=false',
        `--creds=alice:${secret}`,
        `docker://${wharf!.host}/ldap-secret/x:v1`,
      ),
    ).rejects.toThrow(/denied|unauthori[sz]ed|forbidden|401|403|not found|unknown/i);
  });

  it("shows the directory's settings and the LDAP group to the administrator, accessible and fully in Chinese", async () => {
    await adminPagesInChinese(wharf!, 'ldap', 'devs');
  });
});

describe('an OIDC user in the portal and with skopeo and podman', { timeout: STEP_TIMEOUT }, () => {
  let idp: TestOpenIdProvider | undefined;
  let wharf: RunningRegistry | undefined;

  beforeAll(async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    idp = await startTestOpenIdProvider(`${base}/c/oidc/callback`, { loginForm: true });
    idp.accounts.set('dave-sub', { name: 'Dave', email: 'dave@example.com', groups: ['team-a'], password: 'dave-pw' });
    wharf = await startWharf({ port, env: { WHARF_HTTP_BASEURL: base } });
    await admin(wharf, 'PUT', '/configurations', {
      auth_mode: 'oidc_auth',
      oidc_name: 'Test IdP',
      oidc_endpoint: idp.issuer,
      oidc_client_id: CLIENT_ID,
      oidc_client_secret: CLIENT_SECRET,
      oidc_scope: 'openid,offline_access,profile,email,groups',
      oidc_groups_claim: 'groups',
      oidc_verify_cert: false,
      oidc_auto_onboard: false,
      oidc_extra_redirect_parms: '{"prompt":"consent"}',
    });
    await privateProject(wharf, 'oidc-team');
    await privateProject(wharf, 'oidc-secret');
    // dave's access comes from his group at the provider.
    await admin(wharf, 'POST', '/projects/oidc-team/members', {
      role_id: 2,
      member_group: { group_name: 'team-a', group_type: 3 },
    });
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await wharf?.stop();
    await idp?.close();
  });

  it('signs in at the provider, chooses a user name, sees the project of his group, and uses his CLI secret', async () => {
    const page = await (await newContext(browser!, wharf!.url, 'en-US')).newPage();
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Sign in via Test IdP' }).click();
    // The provider's own page.
    await page.waitForURL((url) => url.origin === idp!.issuer);
    await page.getByLabel('Account').fill('dave-sub');
    await page.getByLabel('Password').fill('dave-pw');
    await page.getByRole('button', { name: 'Sign in to the provider' }).click();
    // Back on the portal: the first sign-in asks for a user name.
    await page.getByRole('heading', { name: 'Choose your user name' }).waitFor();
    await page.getByLabel('User name').fill('dave');
    await page.getByRole('button', { name: 'Continue' }).click();
    const projects = await projectNames(page);
    expect(projects).toContain('oidc-team');
    expect(projects).not.toContain('oidc-secret');
    await screenshot(page, 'identity-oidc-projects');

    await page.goto('/profile');
    const secretField = page.getByRole('textbox', { name: 'CLI secret' });
    await expect.poll(() => secretField.inputValue(), POLL).not.toBe('');
    const secret = await secretField.inputValue();
    await screenshot(page, 'identity-oidc-profile');
    await page.context().close();

    await skopeoPushPull(wharf!, 'oidc-team/app', 'dave', secret);
    await podmanPushPull(wharf!, 'oidc-team/app', 'dave', secret);
  });

  it("shows the provider's settings and the OIDC group to the administrator, accessible and fully in Chinese", async () => {
    await adminPagesInChinese(wharf!, 'oidc', 'team-a');
  });
});
