// End-to-end: a repository of 10,000 artifacts in the portal. The table asks the server for one page at a time,
// sorted and searched on the server; the times the browser took are written to test-output (measured, not asserted:
// speed is the benchmark's job, see docs/benchmark.md).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, SCREENSHOTS } from './browser.js';
import { ADMIN_AUTH, POLL, settle, signInAsAdmin, startPortal, type PortalSession } from './portal-session.js';
import { pushManyArtifacts } from './seed.js';

const COUNT = 10_000;
const PAGE_SIZE = 25;
const REPOSITORY = 'library/big';
const STEP_TIMEOUT = 180_000;

let session: PortalSession;
let page: Page;
const timings: Record<string, number | string> = {};
/** The artifact list requests the page sent, as their query parameters. */
const listRequests: URLSearchParams[] = [];

beforeAll(async () => {
  session = await startPortal('en-US');
  page = session.page;
  const started = Date.now();
  await pushManyArtifacts(session.wharf.url, REPOSITORY, COUNT, { prefix: 'big-', concurrency: 16 });
  timings['seed 10,000 artifacts through /v2 (ms)'] = Date.now() - started;
  page.on('request', (req: Request) => {
    const url = new URL(req.url());
    if (req.method() === 'GET' && url.pathname.endsWith('/repositories/big/artifacts'))
      listRequests.push(url.searchParams);
  });
}, STEP_TIMEOUT);

afterAll(async () => {
  if (Object.keys(timings).length > 0) {
    await mkdir(SCREENSHOTS, { recursive: true });
    await writeFile(path.join(SCREENSHOTS, 'large-repository-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
  }
  await session?.stop();
});

/** The tags of the artifacts the API lists on `page` with `sort`, in order: what the portal must show. */
async function apiTags(pageNumber: number, sort: string, q?: string): Promise<string[]> {
  const query = new URLSearchParams({ page: String(pageNumber), page_size: String(PAGE_SIZE), sort, with_tag: 'true' });
  if (q !== undefined) query.set('q', q);
  const res = await fetch(
    `${session.wharf.url}/api/v2.0/projects/library/repositories/big/artifacts?${query.toString()}`,
    {
      headers: ADMIN_AUTH,
    },
  );
  expect(res.status).toBe(200);
  expect(res.headers.get('x-total-count')).toBe(q === undefined ? String(COUNT) : '1');
  const artifacts = (await res.json()) as { tags: { name: string }[] | null }[];
  return artifacts.map((a) => a.tags?.[0]?.name ?? '');
}

/** The tags shown in the artifacts table, row by row (read at once, without waiting for rows to appear). */
async function shownTags(): Promise<string[]> {
  const rows = await page.locator('tr.ant-table-row').allInnerTexts();
  return rows.map((text) => /big-\d{5}/.exec(text)?.[0] ?? '');
}

/** Runs `action` and waits until the table shows `expected`; records how long that took as `name`. */
async function timed(name: string, expected: string[], action: () => Promise<unknown>): Promise<void> {
  // Main-thread tasks over 50 ms (rendering, script) while the step runs, as the browser reports them.
  await page.evaluate(`window.__longTasks = 0; window.__observer?.disconnect();
    window.__observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks += e.duration;
    });
    window.__observer.observe({ type: 'longtask' });`);
  const started = Date.now();
  await action();
  await expect.poll(shownTags, { ...POLL, interval: 20 }).toEqual(expected);
  timings[`${name} (ms)`] = Date.now() - started;
  timings[`${name}: long tasks in the browser (ms)`] = Math.round(
    (await page.evaluate<number | undefined>('window.__longTasks')) ?? -1,
  );
  await settle(page);
}

describe('a repository of 10,000 artifacts in the portal', { timeout: STEP_TIMEOUT }, () => {
  it('opens on the newest 25 with the total, from one request for one page', async () => {
    await signInAsAdmin(page);
    const newest = await apiTags(1, '-push_time');
    expect(newest).toHaveLength(PAGE_SIZE);
    await timed('open the repository page', newest, () => page.goto(`/repositories/${REPOSITORY}`));
    await page.getByText('10,000 in all').waitFor();
    await page.getByTitle('400', { exact: true }).waitFor();
    await screenshot(page, 'large-repository-first-page');
  });

  it('goes to the last page: the oldest artifacts', async () => {
    const oldest = await apiTags(COUNT / PAGE_SIZE, '-push_time');
    expect(oldest).toContain('big-00000');
    await timed('go to the last page', oldest, () => page.getByTitle('400', { exact: true }).click());
    expect(page.url()).toContain('page=400');
    await screenshot(page, 'large-repository-last-page');
  });

  it('sorts by push time, oldest first, on the server', async () => {
    const oldestFirst = await apiTags(1, 'push_time');
    // Pushed 16 at a time: the first of them are the oldest, in the order the server finished them.
    expect(oldestFirst.slice(0, 16)).toContain('big-00000');
    await timed('sort oldest first', oldestFirst, () => page.getByRole('columnheader', { name: /Pushed/ }).click());
  });

  it('finds one artifact by tag among 10,000', async () => {
    const found = await apiTags(1, '-push_time', 'tags=~big-04242');
    expect(found).toEqual(['big-04242']);
    await timed('search by tag', found, async () => {
      const search = page.getByRole('searchbox', { name: 'Search artifacts by tag' });
      await search.fill('big-04242');
      await search.press('Enter');
    });
    await page.getByText('1 in all').waitFor();
    await screenshot(page, 'large-repository-search');
  });

  it('never asked for more than one page of artifacts at a time', async () => {
    // The browser's own measure of each list request, from sending it to the end of the response.
    const durations = await page.evaluate<number[]>(
      `performance.getEntriesByType('resource').filter((e) => e.name.includes('/repositories/big/artifacts'))
         .map((e) => Math.round(e.duration))`,
    );
    timings['artifact list requests in the browser, each (ms)'] = durations.join(', ');
    expect(listRequests.length).toBeGreaterThanOrEqual(4);
    for (const params of listRequests) {
      expect(params.get('page_size')).toBe(String(PAGE_SIZE));
    }
    expect(listRequests.map((p) => p.get('page'))).toContain('400');
  });
});
