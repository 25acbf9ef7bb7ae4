// What every portal end-to-end file starts with: the built portal served by a real Wharf process, and Chromium.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { ADMIN_AUTH } from '../../server/test/helpers/oci-client.js';
import { startWharf, type RunningRegistry } from '../../server/test/helpers/registry-process.js';
import { ADMIN_PASSWORD } from '../../server/test/helpers/test-registry.js';
import { launchChromium, newContext, WAIT_TIMEOUT } from './browser.js';

export { ADMIN_AUTH, ADMIN_PASSWORD };

/**
 * For `expect.poll`: its own default (one second) is far too short under a full CI run on a loaded machine, so every
 * poll waits for its value as long as the browser waits for an element.
 */
export const POLL = { timeout: WAIT_TIMEOUT, interval: 50 } as const;
const PORTAL_INDEX = fileURLToPath(new URL('../dist/index.html', import.meta.url));

export interface PortalSession {
  readonly wharf: RunningRegistry;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  stop(): Promise<void>;
}

/**
 * Starts Wharf (admin password {@link ADMIN_PASSWORD}) and Chromium with one page whose browser prefers `locale`
 * (see {@link newContext} for `bypassCSP`).
 */
export async function startPortal(locale = 'en-US', opts: { bypassCSP?: boolean } = {}): Promise<PortalSession> {
  if (!existsSync(PORTAL_INDEX)) {
    throw new Error(`the portal is not built (${PORTAL_INDEX} is missing): run \`npm run build\` first`);
  }
  const wharf = await startWharf({ env: { WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const context = await newContext(browser, wharf.url, locale, opts);
    const page = await context.newPage();
    const opened = browser;
    return {
      wharf,
      browser,
      context,
      page,
      stop: async () => {
        await opened.close();
        await wharf.stop();
      },
    };
  } catch (err) {
    await browser?.close();
    await wharf.stop();
    throw err;
  }
}

/** Waits until the page has settled: no request in flight, no open drop-down, no spinner. */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await expect.poll(() => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').count(), POLL).toBe(0);
  await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached' });
  // Ant Design's motions (a dialog zooming in, a mask fading) leave half-transparent text behind while they run:
  // axe would measure its contrast mid-animation.
  await page.waitForFunction(
    () => {
      // Runs in the page, whose CSP forbids evaluating strings; this package has no DOM types.
      const { document } = globalThis as unknown as {
        document: { querySelectorAll(selector: string): ArrayLike<{ readonly classList: Iterable<string> }> };
      };
      return !Array.from(document.querySelectorAll('[class]')).some((element) =>
        [...element.classList].some((name) => /-(appear|enter|leave)(-(active|prepare|start))?$/.test(name)),
      );
    },
    undefined,
    { timeout: 60_000 },
  );
}

/** Signs in through the sign-in form as the administrator, unless signed in already; ends on the projects page. */
export async function signInAsAdmin(page: Page): Promise<void> {
  await page.goto('/projects');
  const signInForm = page.getByLabel('User name or e-mail');
  await page.getByRole('heading', { name: 'Projects' }).or(signInForm).first().waitFor();
  if (!(await signInForm.isVisible())) return;
  await page.getByLabel('User name or e-mail').fill('admin');
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/projects$/);
}

/** Every page of the portal a signed-in administrator can visit, as [name, address], for one project's image. */
export function portalPages(at: { project: string; repository: string; digest: string }): [string, string][] {
  const { project, repository, digest } = at;
  return [
    ['projects', '/projects'],
    ['repositories', `/projects/${project}/repositories`],
    ['members', `/projects/${project}/members`],
    ['robots', `/projects/${project}/robots`],
    ['retention', `/projects/${project}/retention`],
    ['configuration', `/projects/${project}/configuration`],
    ['labels', `/projects/${project}/labels`],
    ['immutability', `/projects/${project}/immutability`],
    ['repository', `/repositories/${repository}`],
    ['artifact', `/artifacts/${repository}@${digest}`],
    ['users', '/admin/users'],
    ['groups', '/admin/groups'],
    ['system-robots', '/admin/robots'],
    ['all-tokens', '/admin/tokens'],
    ['authentication', '/admin/auth'],
    ['settings', '/admin/settings'],
    ['gc', '/admin/gc'],
    ['quotas', '/admin/quotas'],
    ['global-labels', '/admin/labels'],
    ['jobs', '/admin/jobs'],
    ['status', '/admin/status'],
    ['how-to-push', '/admin/push'],
    ['profile', '/profile'],
    ['tokens', '/tokens'],
    ['not-found', '/admin/whatever'],
  ];
}
