// End-to-end: the portal published under a path by a reverse proxy that strips it (http.baseUrl
// http://127.0.0.1:<port>/registry): a tiny proxy started here forwards /registry/… to Wharf's root and answers 404 to
// everything else, so any URL the portal forgets to put under the prefix fails the test.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, type RunningRegistry } from '../../server/test/helpers/registry-process.js';
import { launchChromium, newContext, screenshot } from './browser.js';
import { ADMIN_AUTH, ADMIN_PASSWORD, POLL } from './portal-session.js';
import { pushTinyImage } from './seed.js';

const STEP_TIMEOUT = 120_000;
const PREFIX = '/registry';
const PROJECT = 'e2e-proxy';
const REPOSITORY = `${PROJECT}/app`;

let proxy: http.Server;
let upstreamPort = 0;
let publicUrl = '';
let wharf: RunningRegistry | undefined;
let browser: Browser | undefined;
let page: Page;
/** Requests that reached the proxy outside the prefix: the portal asked for a URL that is not under its base. */
const outside: string[] = [];

function forward(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url ?? '/';
  if (url !== PREFIX && !url.startsWith(`${PREFIX}/`) && !url.startsWith(`${PREFIX}?`)) {
    outside.push(`${req.method} ${url}`);
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not under the prefix');
    return;
  }
  const upstream = http.request(
    {
      host: '127.0.0.1',
      port: upstreamPort,
      method: req.method,
      path: url.slice(PREFIX.length) || '/',
      headers: req.headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.writeHead(502).end());
  req.pipe(upstream);
}

beforeAll(async () => {
  proxy = http.createServer(forward);
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  publicUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${PREFIX}`;
  wharf = await startWharf({ env: { WHARF_HTTP_BASEURL: publicUrl } });
  upstreamPort = Number(new URL(wharf.url).port);
  const created = await fetch(`${wharf.url}/api/v2.0/projects`, {
    method: 'POST',
    headers: { ...ADMIN_AUTH, 'Content-Type': 'application/json' },
    body: JSON.stringify({ project_name: PROJECT, metadata: { public: 'false' } }),
  });
  expect(created.status).toBe(201);
  await pushTinyImage(wharf.url, REPOSITORY, 'v1');
  browser = await launchChromium();
  page = await (await newContext(browser, `${publicUrl}/`, 'en-US')).newPage();
}, STEP_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await wharf?.stop();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
});

describe('the portal under a reverse proxy that strips /registry', { timeout: STEP_TIMEOUT }, () => {
  it('is sent with its base and its assets under the prefix', async () => {
    const res = await fetch(`${publicUrl}/projects/${PROJECT}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<base href="${PREFIX}/">`);
    const script = /src="([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toMatch(new RegExp(`^${PREFIX}/assets/`));
    const asset = await fetch(new URL(script ?? '', publicUrl));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });

  it('signs in and opens a project, a repository and an artifact read from /v2', async () => {
    await page.goto(`${publicUrl}/projects`);
    await page.waitForURL(`${publicUrl}/sign-in?redirect=%2Fprojects`);
    await page.getByLabel('User name or e-mail').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${publicUrl}/projects`);
    await page.getByRole('link', { name: PROJECT }).click();
    await page.waitForURL(`${publicUrl}/projects/${PROJECT}`);
    await page.getByRole('heading', { name: PROJECT }).waitFor();
    await expect.poll(() => page.title(), POLL).toBe(`${PROJECT} – Repositories – Wharf`);
    await page.getByRole('link', { name: REPOSITORY }).click();
    await page.waitForURL(`${publicUrl}/repositories/${REPOSITORY}`);
    await page.getByRole('link', { name: /^sha256:/ }).click();
    await page.waitForURL(new RegExp(`^${publicUrl}/artifacts/${REPOSITORY}@sha256:`));
    await page.getByRole('tab', { name: 'Layers' }).click();
    await page.locator('[data-testid=layers] tr.ant-table-row').first().waitFor();
    await screenshot(page, 'proxied-artifact-layers');
    // A reload keeps the page: the server answers the client-side route under the prefix with the app.
    await page.reload();
    await page.getByRole('tab', { name: 'Layers' }).waitFor();
  });

  it('links to the API explorer under the prefix, which reads the OpenAPI document from there', async () => {
    await page.goto(`${publicUrl}/projects`);
    await page.getByTestId('user-menu').click();
    const explorer = page.getByRole('link', { name: 'API explorer' });
    expect(await explorer.getAttribute('href')).toBe(`${PREFIX}/devcenter`);
    expect(await page.getByRole('link', { name: 'OpenAPI document' }).getAttribute('href')).toBe(
      `${PREFIX}/api/v2.0/openapi.json`,
    );
    const documentRes = await fetch(`${publicUrl}/api/v2.0/openapi.json`);
    expect(documentRes.status).toBe(200);
    expect(((await documentRes.json()) as { openapi?: string }).openapi).toMatch(/^3\./);
    await page.goto(`${publicUrl}/devcenter`);
    // Swagger UI lists the operations once it has the document.
    await page.locator('.opblock').first().waitFor();
    // "Try it out" calls the API under the prefix too (the document's server, /api/v2.0, names the host's root).
    const ping = page.locator('#operations-system-getPing');
    await ping.locator('.opblock-summary').click();
    await ping.getByRole('button', { name: 'Try it out' }).click();
    const answered = page.waitForResponse((res) => new URL(res.url()).pathname === `${PREFIX}/api/v2.0/ping`);
    await ping.getByRole('button', { name: 'Execute' }).click();
    expect((await answered).status()).toBe(200);
    await ping.locator('.response-col_status', { hasText: '200' }).first().waitFor();
    await screenshot(page, 'proxied-devcenter');
  });

  it('never asked for anything outside the prefix', () => {
    expect(outside).toEqual([]);
  });
});
