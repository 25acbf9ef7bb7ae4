/** Scenario 4: many small image pushes (config + 2 layers via POST + PUT, then the manifest) in parallel. */
import { makeSmallImage } from '../oci.js';
import { runPool } from '../pool.js';
import type { Scenario } from './types.js';

export const smallImages: Scenario = {
  id: 'small',
  title: 'Small image pushes',
  metrics: [
    {
      key: 'imagesPerSec',
      label: 'small image pushes, concurrency 16',
      unit: 'images/s',
      better: 'higher',
      targetRatio: 3,
    },
  ],
  async run(ctx) {
    const { smallImages: count, smallConcurrency, smallRepos, smallLayerBytes } = ctx.cfg;
    const run = `${process.pid}-${ctx.server.role}`;
    const images = Array.from({ length: count }, (_, i) => makeSmallImage(`small-${run}-${i}`, 2, smallLayerBytes));
    const m = await ctx.measure(`${count} small image pushes`, () =>
      runPool(count, smallConcurrency, async (i) => {
        const image = images[i];
        if (image === undefined) throw new Error(`no image ${i}`);
        await ctx.client.pushImage(`library/bench/small-${i % smallRepos}`, `v${i}`, image);
      }),
    );
    return { imagesPerSec: count / m.seconds };
  },
};
