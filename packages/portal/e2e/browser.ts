// Headless Chromium from Debian (/usr/bin/chromium) driven by playwright-core, for the portal's end-to-end tests.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** How long a browser wait (an element, a URL, a navigation) waits for its condition on a loaded machine. */
export const WAIT_TIMEOUT = 60_000;

/** Where screenshots go: test-output/portal/ at the repository root. */
export const SCREENSHOTS = fileURLToPath(new URL('../../../test-output/portal/', import.meta.url));

/** Starts Chromium; without the background-networking flags it keeps trying to reach hosts this machine cannot. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `MISSING TEST TOOL: ${CHROMIUM} not found. Install it with \`sudo bash scripts/install-test-deps.sh\` (Debian package chromium).`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * A fresh browser profile whose preferred language is `locale`, 1280 pixels wide. `bypassCSP` lets a test inject its
 * own script (axe-core) past the portal's Content-Security-Policy, which allows no inline script.
 */
export async function newContext(
  browser: Browser,
  baseURL: string,
  locale: string,
  opts: { bypassCSP?: boolean } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, locale, viewport: { width: 1280, height: 900 }, ...opts });
  // Every wait (an element, a URL, a navigation) waits for its condition this long before it fails.
  context.setDefaultTimeout(WAIT_TIMEOUT);
  context.setDefaultNavigationTimeout(WAIT_TIMEOUT);
  return context;
}

/** Saves a full-page screenshot as test-output/portal/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
