// End-to-end: every page of the portal passes axe-core's WCAG 2.1 A/AA rules, forms work from the keyboard alone,
// and the layout has no horizontal scrolling at 1280 and 1920 pixels wide.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, focusedElement, horizontalOverflow } from './accessibility.js';
import { screenshot } from './browser.js';
import {
  ADMIN_AUTH,
  ADMIN_PASSWORD,
  POLL,
  portalPages,
  settle,
  signInAsAdmin,
  startPortal,
  type PortalSession,
} from './portal-session.js';
import { pushTinyImage } from './seed.js';

const STEP_TIMEOUT = 120_000;
const PROJECT = 'a11y';
const REPOSITORY = `${PROJECT}/app`;

let session: PortalSession;
let page: Page;
let digest = '';

beforeAll(async () => {
  session = await startPortal('en-US', { bypassCSP: true });
  page = session.page;
  const api = (path: string, body: unknown) =>
    fetch(`${session.wharf.url}/api/v2.0${path}`, {
      method: 'POST',
      headers: { ...ADMIN_AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  expect((await api('/projects', { project_name: PROJECT, metadata: { public: 'false' } })).status).toBe(201);
  digest = await pushTinyImage(session.wharf.url, REPOSITORY, 'v1');
  // A retention policy with a dry run, so that its tab shows rules and a run.
  const project = (await (
    await fetch(`${session.wharf.url}/api/v2.0/projects/${PROJECT}`, { headers: ADMIN_AUTH })
  ).json()) as { project_id: number };
  const policy = await api('/retentions', {
    algorithm: 'or',
    rules: [
      {
        disabled: false,
        action: 'retain',
        template: 'latestPushedK',
        params: { latestPushedK: 5 },
        tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**', extras: '{"untagged":true}' }],
        scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
      },
    ],
    trigger: { kind: 'Schedule', settings: { cron: '' } },
    scope: { level: 'project', ref: project.project_id },
  });
  expect(policy.status).toBe(201);
  const policyPath = (policy.headers.get('location') ?? '').replace('/api/v2.0', '');
  expect((await api(`${policyPath}/executions`, { dry_run: true })).status).toBe(201);
  // A tag pushed and deleted: the repository page lists it in its tag history, with a Restore button.
  await pushTinyImage(session.wharf.url, REPOSITORY, 'old');
  const deleted = await fetch(`${session.wharf.url}/v2/${REPOSITORY}/manifests/old`, {
    method: 'DELETE',
    headers: ADMIN_AUTH,
  });
  expect(deleted.status).toBe(202);
}, STEP_TIMEOUT);

afterAll(async () => {
  await session?.stop();
});

function pages(): [string, string][] {
  return portalPages({ project: PROJECT, repository: REPOSITORY, digest });
}

/** Opens `url` as the signed-in administrator (a redirect to the sign-in page fails the test). */
async function visit(url: string): Promise<void> {
  await page.goto(url);
  await settle(page);
  expect(page.url(), url).not.toContain('/sign-in');
}

async function expectAccessible(name: string): Promise<void> {
  await settle(page);
  expect(await accessibilityViolations(page), name).toEqual([]);
}

function focused(): Promise<string> {
  return focusedElement(page);
}

describe('the portal from the keyboard', { timeout: STEP_TIMEOUT }, () => {
  it('signs in without a mouse: the first field has the focus, Tab moves on, Enter submits', async () => {
    await page.goto('/sign-in');
    await page.getByLabel('User name or e-mail').waitFor();
    await expectAccessible('sign-in');
    expect(await focused()).toBe('input:User name or e-mail');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('input:Password');
    await page.keyboard.type('wrong password');
    await page.keyboard.press('Enter');
    // The API's refusal is shown, announced to screen readers, and nothing typed is lost but the password.
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/user name or password/i);
    await expectAccessible('sign-in-error');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL(/\/projects$/);
  });

  it('creates a project from the keyboard: the dialog takes the focus, Escape closes it, Enter submits', async () => {
    const create = page.getByRole('button', { name: 'New project' });
    await create.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await expect.poll(focused, POLL).toBe('input:Project name');
    await expectAccessible('new-project-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(focused, POLL).toBe('button:New project');

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await expect.poll(focused, POLL).toBe('input:Project name');
    await page.keyboard.type('Not A Valid Name');
    await page.keyboard.press('Enter');
    // The form's own check refuses it: the field is marked invalid, and the rule it breaks is its description.
    const field = dialog.getByLabel('Project name');
    await expect.poll(() => field.getAttribute('aria-invalid'), POLL).toBe('true');
    const describedBy = ((await field.getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
    const descriptions = await Promise.all(describedBy.map((id) => page.locator(`[id="${id}"]`).innerText()));
    expect(descriptions.join(' ')).toMatch(/Lower-case letters and digits/);
    await dialog.getByLabel('Project name').fill('keyboard');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/projects\/keyboard$/);
  });
});

describe('every page of the portal', { timeout: STEP_TIMEOUT }, () => {
  beforeAll(() => signInAsAdmin(page), STEP_TIMEOUT);

  it('passes the WCAG 2.1 A and AA rules of axe-core', async () => {
    const found: Record<string, unknown> = {};
    for (const [name, url] of pages()) {
      await visit(url);
      const violations = await accessibilityViolations(page);
      if (violations.length > 0) found[name] = violations;
    }
    expect(found).toEqual({});
  });

  it('passes them on every tab of the artifact page, each showing what the server has of the image', async () => {
    await visit(`/artifacts/${REPOSITORY}@${digest}`);
    const tabs: [string, string][] = [
      ['Layers', 'sha256:'],
      ['Build history', 'COPY app /app'],
      ['Configuration', 'PATH=/usr/bin'],
      ['Referrers', 'No signatures, SBOMs or other attachments'],
      ['Manifest', 'schemaVersion'],
    ];
    for (const [tab, shown] of tabs) {
      await page.getByRole('tab', { name: tab }).click();
      await page.getByRole('tabpanel').getByText(shown, { exact: false }).first().waitFor();
      await settle(page);
      expect(await accessibilityViolations(page), tab).toEqual([]);
    }
  });

  it('passes them on the tag history with a restore being confirmed, and the restore brings the tag back', async () => {
    await visit(`/repositories/${REPOSITORY}`);
    const history = page.getByRole('region', { name: 'Tag history' });
    await history.getByText('Tag deleted').waitFor();
    await history.getByRole('button', { name: 'Restore old' }).click();
    const confirm = page.getByText('Point tag old at');
    await confirm.waitFor();
    await settle(page);
    expect(await accessibilityViolations(page), 'tag-history-restore').toEqual([]);
    await page.getByRole('button', { name: 'Yes' }).click();
    await page.getByText('Tag old restored').waitFor();
    const tag = await fetch(`${session.wharf.url}/v2/${REPOSITORY}/manifests/old`, {
      method: 'HEAD',
      headers: ADMIN_AUTH,
    });
    expect(tag.status).toBe(200);
  });

  it('passes them with its dialogs open', async () => {
    const dialogs: [string, string, string][] = [
      ['add-member', `/projects/${PROJECT}/members`, 'Add member'],
      ['new-robot', `/projects/${PROJECT}/robots`, 'New robot account'],
      ['new-user', '/admin/users', 'New user'],
      ['how-to-push', `/projects/${PROJECT}/repositories`, 'How to push'],
      ['retention-rule', `/projects/${PROJECT}/retention`, 'Add rule'],
      ['new-label', '/admin/labels', 'New label'],
      ['immutability-rule', `/projects/${PROJECT}/immutability`, 'Add rule'],
      ['new-group', '/admin/groups', 'New group'],
      ['new-token', '/tokens', 'New token'],
    ];
    for (const [name, url, button] of dialogs) {
      await visit(url);
      await page.getByRole('button', { name: button }).click();
      await page.getByRole('dialog').waitFor();
      await settle(page);
      expect(await accessibilityViolations(page), name).toEqual([]);
    }
  });

  it("passes them with a row's dialogs open: a quota's limit, an artifact's labels", async () => {
    const dialogs: [string, string, string, RegExp][] = [
      ['edit-quota', '/admin/quotas', PROJECT, /Edit/],
      ['artifact-labels', `/repositories/${REPOSITORY}`, 'v1', /Labels$/],
    ];
    for (const [name, url, row, button] of dialogs) {
      await visit(url);
      await page.locator('tr.ant-table-row', { hasText: row }).getByRole('button', { name: button }).click();
      await page.getByRole('dialog').waitFor();
      await settle(page);
      expect(await accessibilityViolations(page), name).toEqual([]);
    }
  });

  it('passes them on the garbage collection page with a finished run, and in its log', async () => {
    const started = await fetch(`${session.wharf.url}/api/v2.0/system/gc/schedule`, {
      method: 'POST',
      headers: { ...ADMIN_AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ schedule: { type: 'Manual' }, parameters: { dry_run: true } }),
    });
    expect(started.status).toBe(201);
    await visit('/admin/gc');
    const run = page.locator('tr.ant-table-row', { hasText: 'Succeeded' });
    await run.waitFor();
    await expectAccessible('gc-with-run');
    await run.getByRole('button', { name: 'Log' }).click();
    await page.getByTestId('gc-log').waitFor();
    await expectAccessible('gc-log');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
  });

  it('passes them in Chinese, with the document language set to match', async () => {
    await visit('/projects');
    await page.getByTestId('user-menu').click();
    await page.getByText('Language').hover();
    await page.getByText('简体中文').click();
    await expect.poll(() => page.evaluate<string>('document.documentElement.lang'), POLL).toBe('zh-CN');
    const found: Record<string, unknown> = {};
    for (const [name, url] of pages()) {
      await visit(url);
      const violations = await accessibilityViolations(page);
      if (violations.length > 0) found[name] = violations;
    }
    expect(found).toEqual({});
  });

  for (const width of [1280, 1920]) {
    it(`lays out without horizontal scrolling at ${width} pixels wide`, async () => {
      await page.setViewportSize({ width, height: width === 1280 ? 800 : 1080 });
      const overflowing: Record<string, number> = {};
      for (const [name, url] of pages()) {
        await visit(url);
        await screenshot(page, `layout-${width}-${name}`);
        const overflow = await horizontalOverflow(page);
        if (overflow > 0) overflowing[name] = overflow;
      }
      expect(overflowing).toEqual({});
    });
  }
});
