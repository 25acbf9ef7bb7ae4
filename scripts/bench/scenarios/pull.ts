/** Scenario 3: pulling the large blob with one client and with many concurrent clients. */
import { BlobSource } from '../blob-source.js';
import { GiB, MiB } from '../config.js';
import type { Scenario, ScenarioContext } from './types.js';

async function ensureBlob(ctx: ScenarioContext): Promise<{ repo: string; digest: string; size: number }> {
  if (ctx.state.bigBlob !== undefined) return ctx.state.bigBlob;
  const source = new BlobSource(ctx.cfg.blobBytes, 1001);
  const blob = { repo: 'library/bench/big', digest: source.digest(), size: source.size };
  await ctx.client.pushMonolithic(blob.repo, blob.digest, () => source.chunks(), source.size);
  ctx.state.bigBlob = blob;
  return blob;
}

export const pull: Scenario = {
  id: 'pull',
  title: 'Blob pull (GET /v2/<repo>/blobs/<digest>)',
  metrics: [
    { key: 'mibps1', label: 'pull, 1 client', unit: 'MiB/s', better: 'higher', targetRatio: 1 },
    { key: 'mibpsN', label: 'pull, 16 clients (aggregate)', unit: 'MiB/s', better: 'higher', targetRatio: 1 },
    {
      key: 'cpuPerGiB1',
      label: 'server CPU per GiB pulled, 1 client',
      unit: 'CPU-s/GiB',
      better: 'lower',
      targetRatio: 1,
      strict: true,
    },
    {
      key: 'cpuPerGiBN',
      label: 'server CPU per GiB pulled, 16 clients',
      unit: 'CPU-s/GiB',
      better: 'lower',
      targetRatio: 1,
      strict: true,
    },
  ],
  async run(ctx) {
    const blob = await ensureBlob(ctx);
    await ctx.client.pullBlob(blob.repo, blob.digest); // warm the page cache / open paths, untimed
    const pullOnce = async (): Promise<number> => {
      const got = await ctx.client.pullBlob(blob.repo, blob.digest);
      if (got !== blob.size) throw new Error(`pull returned ${got} bytes, expected ${blob.size}`);
      return got;
    };
    const repeats = ctx.cfg.pullRepeats;
    const one = await ctx.measure(`pull, 1 client (${repeats} sequential pulls)`, async () => {
      let total = 0;
      for (let i = 0; i < repeats; i++) total += await pullOnce();
      return total;
    });
    const n = ctx.cfg.pullConcurrency;
    const many = await ctx.measure(`pull, ${n} clients`, async () => {
      const sizes = await Promise.all(Array.from({ length: n }, pullOnce));
      return sizes.reduce((a, b) => a + b, 0);
    });
    return {
      mibps1: one.value / MiB / one.seconds,
      mibpsN: many.value / MiB / many.seconds,
      cpuPerGiB1: one.usage.cpuSeconds / (one.value / GiB),
      cpuPerGiBN: many.usage.cpuSeconds / (many.value / GiB),
    };
  },
};
