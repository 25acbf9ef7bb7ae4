/** Scenarios 1 and 2: pushing one large blob, monolithically (POST + PUT) and in PATCH chunks. */
import { BlobSource } from '../blob-source.js';
import { MiB } from '../config.js';
import type { Scenario } from './types.js';

const mib = (n: number): string => `${Math.round(n / MiB)} MiB`;

export const monolithicPush: Scenario = {
  id: 'mono',
  title: 'Monolithic blob push (POST + PUT ?digest=)',
  metrics: [{ key: 'mibps', label: 'monolithic push', unit: 'MiB/s', better: 'higher', targetRatio: 2 }],
  async run(ctx) {
    const source = new BlobSource(ctx.cfg.blobBytes, 1001);
    const digest = source.digest();
    const repo = 'library/bench/big';
    const m = await ctx.measure(`monolithic push ${mib(source.size)}`, () =>
      ctx.client.pushMonolithic(repo, digest, () => source.chunks(), source.size),
    );
    ctx.state.bigBlob = { repo, digest, size: source.size };
    return { mibps: source.size / MiB / m.seconds };
  },
};

export const chunkedPush: Scenario = {
  id: 'chunked',
  title: 'Chunked blob push (PATCH + Content-Range, then PUT)',
  metrics: [{ key: 'mibps', label: 'chunked push (8 MiB PATCHes)', unit: 'MiB/s', better: 'higher', targetRatio: 2 }],
  async run(ctx) {
    const source = new BlobSource(ctx.cfg.blobBytes, 2002);
    source.digest();
    const m = await ctx.measure(`chunked push ${mib(source.size)}`, () =>
      ctx.client.pushChunked('library/bench/chunked', source, ctx.cfg.chunkBytes),
    );
    return { mibps: source.size / MiB / m.seconds, chunks: m.value };
  },
};

export const bigPush: Scenario = {
  id: 'bigpush',
  title: 'Large blob push: server peak RSS',
  metrics: [
    // The target is per process: with cluster workers, the largest peak of one process (the primary or a worker).
    { key: 'peakRssMiB', label: 'peak RSS of one process, big push', unit: 'MiB', better: 'lower', wharfMax: 200 },
    { key: 'peakRssTotalMiB', label: 'peak RSS summed over processes', unit: 'MiB', better: 'lower' },
    { key: 'mibps', label: 'big push throughput', unit: 'MiB/s', better: 'higher' },
  ],
  async run(ctx) {
    const source = new BlobSource(ctx.cfg.bigBlobBytes, 3003);
    const digest = source.digest();
    const m = await ctx.measure(`monolithic push ${mib(source.size)}`, () =>
      ctx.client.pushMonolithic('library/bench/huge', digest, () => source.chunks(), source.size),
    );
    if (!m.usage.peakIsPerScenario) ctx.note('peak RSS could not be reset: value is since server start');
    const perProcess = m.usage.perProcessPeakRssMiB;
    if (perProcess.length > 1) {
      ctx.note(`peak RSS per process (primary first): ${perProcess.map((v) => v.toFixed(0)).join(', ')} MiB`);
    }
    return {
      peakRssMiB: Math.max(0, ...perProcess),
      peakRssTotalMiB: m.usage.peakRssMiB,
      mibps: source.size / MiB / m.seconds,
    };
  },
};
