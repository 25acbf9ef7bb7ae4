/**
 * Scenario 7: one repository with many artifacts (10,000 in a full run), as the portal shows it.
 *
 * Both registries get the same pushes (one distinct, tagged manifest per artifact over a shared config and layer),
 * timed and compared. The management API is Wharf's alone (the reference has none): the requests the portal's
 * repository page sends are timed on Wharf only, each repeated, and reported as median and 95th percentile.
 */
import { basicAuthorization } from '../auth.js';
import { makeConfig, makeLayer, makeManifest } from '../oci.js';
import { expectStatus, type HttpResponse } from '../http-client.js';
import { runPool } from '../pool.js';
import type { Scenario, ScenarioContext } from './types.js';

const PROJECT = 'library';
const REPOSITORY = 'bench/artifacts';
const REPO = `${PROJECT}/${REPOSITORY}`;
/** The portal's default page size and sort, and the query parameters it sends with every artifact list. */
const PAGE_SIZE = 25;
const PORTAL_LIST = 'with_tag=true&with_label=false&with_scan_overview=false&with_accessory=false';

const pad = (i: number): string => String(i).padStart(5, '0');

async function pushArtifacts(ctx: ScenarioContext, count: number): Promise<number> {
  const config = makeConfig(`artifacts-${ctx.server.role}`);
  const layer = makeLayer(512);
  await ctx.client.pushSmallBlob(REPO, config);
  await ctx.client.pushSmallBlob(REPO, layer);
  const m = await ctx.measure(`${count} tagged manifests into one repository`, () =>
    runPool(count, ctx.cfg.setupConcurrency, async (i) => {
      const { manifest } = makeManifest(config, [layer], { 'bench.artifact': pad(i) });
      await ctx.client.putManifest(REPO, `a-${pad(i)}`, manifest);
    }),
  );
  return count / m.seconds;
}

function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? Number.NaN;
}

/** Sends `GET path` `rounds` times with the admin's Basic credentials; checks each answer; returns p50 and p95 ms. */
async function timeApi(
  ctx: ScenarioContext,
  what: string,
  path: string,
  check: (res: HttpResponse) => void,
): Promise<{ p50: number; p95: number }> {
  const credentials = ctx.server.credentials;
  if (credentials === undefined) throw new Error(`${what}: Wharf runs without credentials`);
  const authorization = basicAuthorization(credentials);
  const get = async (): Promise<HttpResponse> => {
    const res = await ctx.client.http.request({ method: 'GET', url: path, headers: { authorization } });
    check(expectStatus(what, res, 200));
    return res;
  };
  await get(); // warm-up: the first request also verifies the password
  const times: number[] = [];
  await ctx.measure(`${what} (${ctx.cfg.apiRounds} requests)`, async () => {
    for (let r = 0; r < ctx.cfg.apiRounds; r++) {
      const t0 = process.hrtime.bigint();
      await get();
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  });
  times.sort((a, b) => a - b);
  const result = { p50: percentile(times, 50), p95: percentile(times, 95) };
  ctx.log(`${what}: p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms`);
  return result;
}

/** Checks a page of the artifact list: `size` artifacts, each tagged, and the total in `X-Total-Count`. */
function artifactPage(total: number, size: number, firstTag?: string): (res: HttpResponse) => void {
  return (res) => {
    const items = JSON.parse(res.body.toString('utf8')) as { tags?: { name: string }[] | null }[];
    const count = Number(res.headers['x-total-count']);
    if (count !== total) throw new Error(`artifact list: X-Total-Count ${count}, expected ${total}`);
    if (items.length !== size) throw new Error(`artifact list: ${items.length} artifacts, expected ${size}`);
    if (firstTag !== undefined && items[0]?.tags?.[0]?.name !== firstTag) {
      throw new Error(`artifact list: first artifact tagged ${items[0]?.tags?.[0]?.name}, expected ${firstTag}`);
    }
  };
}

export const artifacts: Scenario = {
  id: 'artifacts',
  title: 'A repository with many artifacts (the portal\u2019s repository page)',
  metrics: [
    {
      key: 'pushPerSec',
      label: 'tagged manifest pushes into one repository, c=16',
      unit: 'manifests/s',
      better: 'higher',
      targetRatio: 1,
    },
    { key: 'firstP50', label: 'API: first page of artifacts (25, newest first), p50', unit: 'ms', better: 'lower' },
    {
      key: 'firstP95',
      label: 'API: first page of artifacts, p95',
      unit: 'ms',
      better: 'lower',
      wharfMax: 100,
    },
    { key: 'lastP95', label: 'API: last page of artifacts, p95', unit: 'ms', better: 'lower', wharfMax: 100 },
    { key: 'oldestP95', label: 'API: oldest first (sort=push_time), p95', unit: 'ms', better: 'lower', wharfMax: 100 },
    { key: 'tagSearchP95', label: 'API: search by tag (q=tags=~), p95', unit: 'ms', better: 'lower', wharfMax: 100 },
    { key: 'reposP95', label: 'API: repositories of the project, p95', unit: 'ms', better: 'lower', wharfMax: 100 },
  ],
  async run(ctx): Promise<Record<string, number>> {
    const n = ctx.cfg.artifactCount;
    const pushPerSec = await pushArtifacts(ctx, n);
    if (ctx.server.credentials === undefined) return { pushPerSec };

    const base = `/api/v2.0/projects/${PROJECT}/repositories/${encodeURIComponent(encodeURIComponent(REPOSITORY))}`;
    const list = `${base}/artifacts?${PORTAL_LIST}&page_size=${PAGE_SIZE}`;
    const lastPage = Math.ceil(n / PAGE_SIZE);
    const lastSize = n - (lastPage - 1) * PAGE_SIZE;
    const first = await timeApi(
      ctx,
      'first page, newest first',
      `${list}&page=1&sort=-push_time`,
      artifactPage(n, PAGE_SIZE),
    );
    const last = await timeApi(
      ctx,
      `last page (${lastPage})`,
      `${list}&page=${lastPage}&sort=-push_time`,
      artifactPage(n, lastSize),
    );
    const oldest = await timeApi(ctx, 'oldest first', `${list}&page=1&sort=push_time`, artifactPage(n, PAGE_SIZE));
    // Only the newest tag contains its own zero-padded number.
    const needle = pad(n - 1);
    const tagSearch = await timeApi(
      ctx,
      'search by tag',
      `${list}&page=1&q=${encodeURIComponent(`tags=~${needle}`)}`,
      artifactPage(1, 1, `a-${needle}`),
    );
    const repos = await timeApi(
      ctx,
      'repositories of the project',
      `/api/v2.0/projects/${PROJECT}/repositories?page=1&page_size=${PAGE_SIZE}&sort=-update_time`,
      (res) => {
        if (!Array.isArray(JSON.parse(res.body.toString('utf8')))) throw new Error('repositories: not a list');
      },
    );
    return {
      pushPerSec,
      firstP50: first.p50,
      firstP95: first.p95,
      lastP95: last.p95,
      oldestP95: oldest.p95,
      tagSearchP95: tagSearch.p95,
      reposP95: repos.p95,
    };
  },
};
