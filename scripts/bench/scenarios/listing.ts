/** Scenario 6: full paginated listings of many tags in one repository and of many repositories. */
import { makeConfig, makeLayer, makeManifest } from '../oci.js';
import { runPool } from '../pool.js';
import type { Scenario, ScenarioContext } from './types.js';

const TAG_REPO = 'library/bench/tags';
const REPO_PREFIX = 'library/bench-list/r-';

const pad = (i: number): string => String(i).padStart(5, '0');

async function setUp(ctx: ScenarioContext): Promise<void> {
  const { listingCount: n, setupConcurrency } = ctx.cfg;
  const config = makeConfig(`listing-${ctx.server.role}`);
  const layer = makeLayer(512);
  await ctx.client.pushSmallBlob(TAG_REPO, config);
  await ctx.client.pushSmallBlob(TAG_REPO, layer);
  await runPool(n, setupConcurrency, async (i) => {
    const { manifest } = makeManifest(config, [layer], { 'bench.tag': pad(i) });
    await ctx.client.putManifest(TAG_REPO, `t-${pad(i)}`, manifest);
  });
  const { manifest } = makeManifest(config, [layer]);
  await runPool(n, setupConcurrency, async (i) => {
    const repo = `${REPO_PREFIX}${pad(i)}`;
    await ctx.client.pushSmallBlob(repo, config);
    await ctx.client.pushSmallBlob(repo, layer);
    await ctx.client.putManifest(repo, 'latest', manifest);
  });
}

async function timeListing(
  ctx: ScenarioContext,
  what: string,
  url: string,
  key: 'tags' | 'repositories',
  minEntries: number,
  repo?: string,
): Promise<{ ms: number; entries: number; pages: number }> {
  const { listingRounds: rounds, listingPageSize: page } = ctx.cfg;
  const warm = await ctx.client.listAll(url, key, repo);
  if (warm.entries < minEntries) throw new Error(`${what}: listed ${warm.entries} entries, expected >= ${minEntries}`);
  const m = await ctx.measure(`${what} (${rounds} rounds)`, async () => {
    for (let r = 0; r < rounds; r++) {
      const got = await ctx.client.listAll(url, key, repo);
      if (got.entries !== warm.entries)
        throw new Error(`${what}: round ${r} listed ${got.entries}, not ${warm.entries}`);
    }
  });
  ctx.log(`${what}: ${warm.entries} entries in ${warm.pages} pages`);
  if (warm.entries > page && warm.pages === 1) {
    ctx.note(`${what}: server ignored n=${page} and returned all ${warm.entries} entries in one page`);
  }
  return { ms: (m.seconds * 1000) / rounds, entries: warm.entries, pages: warm.pages };
}

export const listings: Scenario = {
  id: 'listing',
  title: 'Paginated listings (n=100, following Link)',
  metrics: [
    { key: 'tagsMs', label: 'tags/list full listing, n=100 pages', unit: 'ms', better: 'lower', targetRatio: 10 },
    {
      key: 'tagsOneMs',
      label: 'tags/list full listing, one request (no n)',
      unit: 'ms',
      better: 'lower',
      targetRatio: 10,
    },
    { key: 'catalogMs', label: '_catalog full listing', unit: 'ms', better: 'lower', targetRatio: 10 },
  ],
  async run(ctx) {
    const { listingCount: n, listingPageSize: page } = ctx.cfg;
    const t0 = Date.now();
    await setUp(ctx);
    ctx.log(`listing set-up (${n} tags + ${n} repositories): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const tags = await timeListing(
      ctx,
      `tags/list of ${n} tags`,
      `/v2/${TAG_REPO}/tags/list?n=${page}`,
      'tags',
      n,
      TAG_REPO,
    );
    // distribution 2.8 ignores n on tags/list, so the paginated figure compares 20 requests with one;
    // the unpaginated listing compares like with like.
    const tagsOne = await timeListing(
      ctx,
      `tags/list of ${n} tags (no n)`,
      `/v2/${TAG_REPO}/tags/list`,
      'tags',
      n,
      TAG_REPO,
    );
    const catalog = await timeListing(ctx, `_catalog of ${n}+ repos`, `/v2/_catalog?n=${page}`, 'repositories', n);
    return {
      tagsMs: tags.ms,
      tagsPages: tags.pages,
      tagsOneMs: tagsOne.ms,
      catalogMs: catalog.ms,
      catalogEntries: catalog.entries,
      catalogPages: catalog.pages,
    };
  },
};
