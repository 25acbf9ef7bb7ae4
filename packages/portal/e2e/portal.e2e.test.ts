// End-to-end: a real Wharf process serving the built portal, driven in Debian's Chromium.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMultiLayerImage,
  readLayoutBlob,
  requireTools,
  run,
  type ImageManifest,
} from '../../server/test/helpers/oci-images.js';
import type { RunningRegistry } from '../../server/test/helpers/registry-process.js';
import { newContext, screenshot } from './browser.js';
import {
  ADMIN_AUTH,
  ADMIN_PASSWORD,
  POLL,
  portalPages,
  settle,
  startPortal,
  type PortalSession,
} from './portal-session.js';
import { untranslatedWords } from './untranslated.js';

const PROJECT = 'e2e-portal';
const MEMBER = 'e2e-dev';
const TAG = 'v1';
const LABEL = 'release';
const REPOSITORY = `${PROJECT}/hello`;
const STEP_TIMEOUT = 120_000;

let session: PortalSession;
let wharf: RunningRegistry;
let browser: Browser;
let page: Page;

let signedIn = false;
let pushedDigest = '';
let layerDigests: string[] = [];

beforeAll(async () => {
  session = await startPortal('en-US');
  ({ wharf, browser, page } = session);
}, STEP_TIMEOUT);

afterAll(async () => {
  await session?.stop();
});

async function expectFullyChinese(p: Page, name: string, data: readonly string[] = []): Promise<void> {
  await settle(p);
  await screenshot(p, `${name}-zh-CN`);
  // The page's title (the browser's tab and history) is part of what the user reads.
  const text = `${await p.title()}\n${await p.locator('body').innerText()}`;
  expect(
    untranslatedWords(text, [PROJECT, MEMBER, TAG, 'system admin', 'admin', 'library', 'hello', 'e2e', ...data]),
    name,
  ).toEqual([]);
}

/** The job types, hosts, pool ids and crons the job service's page shows. */
async function jobServiceData(): Promise<string[]> {
  const get = async <T>(path: string) =>
    (await (await fetch(`${wharf.url}/api/v2.0${path}`, { headers: ADMIN_AUTH })).json()) as T;
  const queues = await get<{ job_type: string }[]>('/jobservice/queues');
  const pools = await get<{ host: string; worker_pool_id: string }[]>('/jobservice/pools');
  const schedules = await get<{ vendor_type: string; cron: string }[]>('/schedules?page_size=100');
  return [
    ...queues.map((q) => q.job_type),
    ...pools.flatMap((p) => [p.host, p.worker_pool_id]),
    ...schedules.flatMap((s) => [s.vendor_type, s.cron]),
  ];
}

describe('the portal served by Wharf', { timeout: STEP_TIMEOUT }, () => {
  it('serves the built single-page app at / with its hashed assets', async () => {
    const res = await fetch(`${wharf.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(wharf.url + (script ?? ''));
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('sends an anonymous visitor to the sign-in page, in English for an English browser', async () => {
    await page.goto('/projects');
    await page.waitForURL(/\/sign-in\?redirect=/);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByLabel('User name or e-mail').waitFor();
    await screenshot(page, 'sign-in-en');
  });

  it('shows the sign-in page fully in Chinese after the switch, and remembers the choice', async () => {
    // By keyboard: focus the language picker, open it, choose.
    await page.getByRole('combobox', { name: 'Language' }).focus();
    await page.keyboard.press('ArrowDown');
    await page.getByTitle('简体中文').click();
    await page
      .getByRole('button', { name: '登 录' })
      .or(page.getByRole('button', { name: '登录' }))
      .waitFor();
    await expectFullyChinese(page, 'sign-in');
    await page.reload();
    await page.getByLabel('用户名或邮箱').waitFor();
    await page.getByRole('combobox', { name: '语言' }).focus();
    await page.keyboard.press('ArrowDown');
    await page.locator('.ant-select-item-option[title="English"]').click();
    await page.getByLabel('User name or e-mail').waitFor();
  });

  it('follows the browser language on a first visit', async () => {
    const chinese = await newContext(browser, wharf.url, 'zh-CN');
    const p = await chinese.newPage();
    await p.goto('/sign-in');
    await p.getByLabel('用户名或邮箱').waitFor();
    await expectFullyChinese(p, 'sign-in-first-visit');
    await chinese.close();
  });
});

describe('a new user in the portal', { timeout: STEP_TIMEOUT }, () => {
  it('signs in', async () => {
    await page.getByLabel('User name or e-mail').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/projects$/);
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    signedIn = true;
    await screenshot(page, 'projects-en');
  });

  it('creates a project', async () => {
    expect(signedIn).toBe(true);
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByRole('dialog').getByLabel('Project name').fill(PROJECT);
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await page.waitForURL(new RegExp(`/projects/${PROJECT}$`));
    await page.getByRole('heading', { name: PROJECT }).waitFor();
  });

  it('finds an image pushed with skopeo, with its layers', async () => {
    expect(signedIn).toBe(true);
    await requireTools('skopeo', 'umoci');
    const work = await mkdtemp(path.join(tmpdir(), 'wharf-portal-e2e-'));
    try {
      const image = await buildMultiLayerImage(path.join(work, 'layout'), TAG);
      const manifest = JSON.parse((await readLayoutBlob(image.dir, image.manifestDigest)).toString()) as ImageManifest;
      layerDigests = manifest.layers.map((layer) => layer.digest);
      pushedDigest = image.manifestDigest;
      await run('skopeo', [
        'copy',
        '--quiet',
        '--dest-tls-verify=false',
        '--preserve-digests',
        `--dest-creds=admin:${ADMIN_PASSWORD}`,
        `oci:${image.dir}:${TAG}`,
        `docker://${wharf.host}/${REPOSITORY}:${TAG}`,
      ]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    await page.goto(`/projects/${PROJECT}/repositories`);
    await page.getByRole('link', { name: REPOSITORY }).click();
    await page.waitForURL(new RegExp(`/repositories/${REPOSITORY}$`));
    const row = page.locator('tr', { hasText: TAG });
    await row.waitFor();
    await screenshot(page, 'repository-en');
    await row.getByRole('link', { name: /^sha256:/ }).click();
    await page.waitForURL(/\/artifacts\//);
    await page.getByRole('tab', { name: 'Layers' }).click();
    const layers = page.locator('[data-testid=layers] tr.ant-table-row');
    await expect.poll(() => layers.count(), POLL).toBe(layerDigests.length);
    for (const digest of layerDigests) await page.getByText(digest).waitFor();
    await screenshot(page, 'artifact-layers-en');
  });

  it('adds a member', async () => {
    expect(signedIn).toBe(true);
    const created = await fetch(`${wharf.url}/api/v2.0/users`, {
      method: 'POST',
      headers: { ...ADMIN_AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        username: MEMBER,
        email: `${MEMBER}@example.com`,
        realname: 'Dev',
        password: 'Passw0rdDev',
      }),
    });
    expect(created.status).toBe(201);
    await page.goto(`/projects/${PROJECT}/members`);
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('dialog').getByLabel('User name').fill(MEMBER);
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await page.locator('tr', { hasText: MEMBER }).waitFor();
    await screenshot(page, 'members-en');
  });

  it('creates a robot account and is shown its secret once', async () => {
    expect(signedIn).toBe(true);
    await page.goto(`/projects/${PROJECT}/robots`);
    await page.getByRole('button', { name: 'New robot account' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('ci');
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    const name = page.getByTestId('robot-name');
    await name.waitFor();
    expect(await name.innerText()).toContain('ci');
    expect((await page.getByTestId('robot-secret').innerText()).length).toBeGreaterThan(8);
    await screenshot(page, 'robot-secret-en');
    // While the creation dialog closes, its corner cross (also named Close) is still on the page: scope to the
    // secret's own dialog and its footer's button.
    const dialog = page.getByRole('dialog', { name: 'Robot account secret' });
    await dialog.locator('.ant-modal-footer').getByRole('button', { name: 'Close', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('tr.ant-table-row', { hasText: `robot$${PROJECT}+ci` }).waitFor();
  });

  it('adds a tag retention rule, runs it dry and shows the run with its repository and log', async () => {
    expect(pushedDigest).not.toBe('');
    await page.goto(`/projects/${PROJECT}/retention`);
    await page.getByRole('button', { name: 'Add rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add rule' });
    await dialog.getByLabel('Number of artifacts').fill('3');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Retain the 3 most recently pushed artifacts').waitFor();
    await page.getByRole('button', { name: 'Dry run' }).click();
    const run = page.locator('tr.ant-table-row', { hasText: 'Manual' });
    await run.getByText('Success').waitFor({ timeout: 30_000 });
    await run.getByRole('button', { name: /expand/i }).click();
    await page.getByRole('cell', { name: '1 of 1', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Log of hello' }).click();
    const log = page.getByRole('dialog', { name: 'Log of hello' }).getByRole('textbox');
    await expect.poll(() => log.inputValue(), POLL).toContain('RETAIN (rule 1)');
    await screenshot(page, 'retention-en');
    const logDialog = page.getByRole('dialog', { name: 'Log of hello' });
    await logDialog.getByRole('button', { name: 'Close' }).click();
    await logDialog.waitFor({ state: 'hidden' });
  });

  it('runs a garbage collection dry run, follows it to its end and reads its log', async () => {
    expect(signedIn).toBe(true);
    await page.goto('/admin/gc');
    await page.getByRole('checkbox', { name: 'Delete untagged artifacts' }).waitFor();
    await page.getByRole('button', { name: 'Dry run' }).click();
    // The history refreshes itself while the run goes on, until it ends.
    const run = page.locator('tr.ant-table-row', { hasText: 'Succeeded' });
    await run.waitFor();
    expect(await run.innerText()).toContain('Yes');
    await run.getByRole('button', { name: 'Log' }).click();
    const log = page.getByTestId('gc-log');
    await expect.poll(() => log.innerText(), POLL).toContain('dry run: would free');
    await screenshot(page, 'gc-log-en');
    const dialog = page.getByRole('dialog', { name: /^Log of run/ });
    await dialog.locator('.ant-modal-footer').getByRole('button', { name: 'Close', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The schedule: a custom cron, then none.
    const schedule = async () =>
      (await (await fetch(`${wharf.url}/api/v2.0/system/gc/schedule`, { headers: ADMIN_AUTH })).json()) as {
        schedule?: { type: string; cron: string };
      };
    // The select's shown value covers its input: click the select itself.
    const runs = page.locator('.ant-select').filter({ has: page.getByRole('combobox', { name: 'Runs' }) });
    await runs.click();
    await page.locator('.ant-select-item-option', { hasText: 'Custom (cron)' }).click();
    await page.getByLabel('Cron expression').fill('0 30 2 * * 0');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByText('Current schedule: 0 30 2 * * 0').waitFor();
    expect((await schedule()).schedule).toMatchObject({ type: 'Custom', cron: '0 30 2 * * 0' });
    await runs.click();
    await page.locator('.ant-select-item-option', { hasText: 'Never' }).click();
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByText('No schedule').waitFor();
    expect((await schedule()).schedule).toBeUndefined();
  });

  it("sets the project's quota, then shows its usage against it", async () => {
    expect(pushedDigest).not.toBe('');
    await page.goto('/admin/quotas');
    await page.locator('tr.ant-table-row', { hasText: PROJECT }).getByRole('button', { name: /Edit/ }).click();
    const dialog = page.getByRole('dialog', { name: `Storage quota of ${PROJECT}` });
    // A click while the dialog still zooms in can land beside the checkbox (CI saw it leave the box checked).
    await settle(page);
    await dialog.getByRole('checkbox', { name: 'No limit' }).uncheck();
    await dialog.getByLabel(/^Limit/).fill('1');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const quota = (await (
      await fetch(`${wharf.url}/api/v2.0/quotas?reference=project`, { headers: ADMIN_AUTH })
    ).json()) as {
      ref: { name: string };
      hard: { storage: number };
    }[];
    expect(quota.find((q) => q.ref.name === PROJECT)?.hard.storage).toBe(1024 ** 3);
    await page.goto('/projects');
    const row = page.locator('tr.ant-table-row', { hasText: PROJECT });
    await row.getByRole('progressbar', { name: `Storage used by ${PROJECT}` }).waitFor();
    expect(await row.innerText()).toMatch(/ of 1\.00 GiB/);
    await page.goto(`/projects/${PROJECT}`);
    await page.getByRole('progressbar', { name: `Storage used by ${PROJECT}` }).waitFor();
    await screenshot(page, 'project-quota-en');
  });

  it('creates a global label and attaches it to the pushed artifact', async () => {
    expect(pushedDigest).not.toBe('');
    await page.goto('/admin/labels');
    await page.getByRole('button', { name: 'New label' }).click();
    const dialog = page.getByRole('dialog', { name: 'New label' });
    await dialog.getByLabel('Label name').fill(LABEL);
    await dialog.getByRole('button', { name: 'OK' }).click();
    await page.locator('tr.ant-table-row', { hasText: LABEL }).waitFor();
    await page.goto(`/repositories/${REPOSITORY}`);
    const row = page.locator('tr.ant-table-row', { hasText: TAG });
    await row.getByRole('button', { name: /Labels$/ }).click();
    const labels = page.getByRole('dialog', { name: /^Labels of/ });
    await labels.getByRole('combobox').click();
    await page.locator('.ant-select-item-option', { hasText: LABEL }).click();
    await page.keyboard.press('Escape');
    await labels.getByRole('button', { name: 'OK' }).click();
    await labels.waitFor({ state: 'hidden' });
    await row.getByText(LABEL, { exact: true }).waitFor();
    await screenshot(page, 'artifact-labels-en');
  });

  it('protects the pushed tag with an immutability rule', async () => {
    expect(pushedDigest).not.toBe('');
    await page.goto(`/projects/${PROJECT}/immutability`);
    await page.getByRole('button', { name: 'Add rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add rule' });
    await dialog.getByLabel('Tag pattern').fill('v*');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('tr.ant-table-row', { hasText: 'matching v*' }).waitFor();
    const [repo = ''] = REPOSITORY.split('/').slice(1);
    const tagUrl = `${wharf.url}/api/v2.0/projects/${PROJECT}/repositories/${repo}/artifacts/${TAG}/tags/${TAG}`;
    expect((await fetch(tagUrl, { method: 'DELETE', headers: ADMIN_AUTH })).status).toBe(412);
    // Disabled, the rule protects nothing... but it stays listed.
    await page.getByRole('switch', { name: 'Rule 1 is enabled' }).click();
    await expect.poll(() => page.getByRole('switch', { name: 'Rule 1 is enabled' }).isChecked(), POLL).toBe(false);
  });

  it("shows the job service's queues, worker pools and schedules", async () => {
    expect(signedIn).toBe(true);
    await page.goto('/admin/jobs');
    await page.locator('tr.ant-table-row', { hasText: 'GARBAGE_COLLECTION' }).first().waitFor();
    const gc = page.locator('tr.ant-table-row', { hasText: 'GARBAGE_COLLECTION' }).first();
    await gc.getByRole('button', { name: 'Pause' }).click();
    await gc.getByRole('button', { name: 'Resume' }).click();
    await gc.getByRole('button', { name: 'Pause' }).waitFor();
    const pools = (await (await fetch(`${wharf.url}/api/v2.0/jobservice/pools`, { headers: ADMIN_AUTH })).json()) as {
      host: string;
    }[];
    expect(pools.length).toBeGreaterThan(0);
    await page
      .getByText(pools[0]?.host ?? '-', { exact: true })
      .first()
      .waitFor();
    await screenshot(page, 'jobs-en');
  });

  it('switches to Chinese from the user menu: no English is left on the pages visited', async () => {
    expect(pushedDigest).not.toBe('');
    await page.getByTestId('user-menu').click();
    await page.getByText('Language').hover();
    await page.getByText('简体中文').click();
    const robotName = `robot$${PROJECT}+ci`;
    const pages = portalPages({ project: PROJECT, repository: REPOSITORY, digest: pushedDigest });
    // The job service's pages show job types, hosts, pool ids and crons: data, in any language.
    const data = [robotName, 'ci', 'Dev', LABEL, ...(await jobServiceData())];
    for (const [name, url] of pages) {
      await page.goto(url);
      await expectFullyChinese(page, name, data);
    }
    await page.goto(`/artifacts/${REPOSITORY}@${pushedDigest}`);
    await page.getByRole('tab', { name: '镜像层' }).click();
    await expectFullyChinese(page, 'artifact-layers', layerDigests);
    await page.goto(`/projects/${PROJECT}/repositories`);
    await page.getByRole('button', { name: '推送指南' }).click();
    await page.getByRole('dialog', { name: `推送镜像到 ${PROJECT}` }).waitFor();
    await expectFullyChinese(page, 'how-to-push-project');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`/repositories/${REPOSITORY}`);
    await expectFullyChinese(page, 'repository-1920', [LABEL]);
  });
});
