/**
 * Scenario `login-flood`: the latency of pulling a 3 MiB blob, alone and while a few hundred clients send bogus
 * Basic logins to `GET /v2/` as fast as they are answered. Each bogus login names another unknown account and
 * comes from another address (`X-Forwarded-For`, which Wharf believes from loopback in the bench: a flood from
 * many addresses, which no per-address lock stops), so every one would cost Wharf a password check: what is
 * measured is that checking passwords cannot starve file reads. The reference has no authentication and answers
 * them cheaply; its figures show what the flood's traffic alone costs. Bounded: the flood lasts as long as the
 * flooded pulls, on loopback only.
 */
import { BlobSource } from '../blob-source.js';
import { MiB } from '../config.js';
import { HttpClient } from '../http-client.js';
import type { Scenario, ScenarioContext } from './types.js';

const BLOB_BYTES = 3 * MiB;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Sequential pulls of the blob, each timed, in milliseconds (sorted). */
async function timedPulls(ctx: ScenarioContext, repo: string, digest: string, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    const got = await ctx.client.pullBlob(repo, digest);
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (got !== BLOB_BYTES) throw new Error(`pull returned ${got} bytes, expected ${BLOB_BYTES}`);
  }
  return latencies.sort((a, b) => a - b);
}

/** `concurrency` clients sending bogus Basic logins until `stop` resolves; the answers counted by status. */
async function flood(baseUrl: string, concurrency: number, stop: Promise<void>): Promise<Map<number, number>> {
  const http = new HttpClient(baseUrl, concurrency);
  const statuses = new Map<number, number>();
  let stopped = false;
  void stop.then(() => {
    stopped = true;
  });
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (!stopped) {
      const n = sent++;
      const credentials = Buffer.from(`flood-${n}:not-the-password-${n}`).toString('base64');
      const address = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
      try {
        const res = await http.request({
          method: 'GET',
          url: '/v2/',
          headers: { authorization: `Basic ${credentials}`, 'x-forwarded-for': address },
          discardBody: true,
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      } catch {
        statuses.set(0, (statuses.get(0) ?? 0) + 1);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    http.close();
  }
  return statuses;
}

export const loginFlood: Scenario = {
  id: 'login-flood',
  title: 'Blob pull (3 MiB) latency during a flood of bogus Basic logins',
  metrics: [
    { key: 'p50', label: 'pull p50, no flood', unit: 'ms', better: 'lower' },
    { key: 'p99', label: 'pull p99, no flood', unit: 'ms', better: 'lower' },
    { key: 'floodP50', label: 'pull p50, during the flood', unit: 'ms', better: 'lower' },
    { key: 'floodP99', label: 'pull p99, during the flood', unit: 'ms', better: 'lower' },
    { key: 'slowdownP50', label: 'p50 during the flood / p50 without', unit: 'x', better: 'lower' },
    { key: 'slowdownP99', label: 'p99 during the flood / p99 without', unit: 'x', better: 'lower' },
    { key: 'floodRps', label: 'bogus logins answered', unit: 'req/s', better: 'higher' },
  ],
  async run(ctx) {
    const source = new BlobSource(BLOB_BYTES, 3003);
    const repo = 'library/bench/flood';
    const digest = source.digest();
    await ctx.client.pushMonolithic(repo, digest, () => source.chunks(), source.size);
    await ctx.client.pullBlob(repo, digest); // the token and the page cache, untimed
    const pulls = ctx.cfg.floodPulls;
    const quiet = await ctx.measure(`${pulls} pulls, no flood`, () => timedPulls(ctx, repo, digest, pulls));

    let endFlood = (): void => undefined;
    const stop = new Promise<void>((resolve) => (endFlood = resolve));
    const concurrency = ctx.cfg.floodConcurrency;
    const flooding = flood(ctx.server.baseUrl, concurrency, stop);
    const flooded = await ctx.measure(`${pulls} pulls, ${concurrency} clients flooding bogus logins`, async () => {
      try {
        return await timedPulls(ctx, repo, digest, pulls);
      } finally {
        endFlood();
      }
    });
    const statuses = await flooding;
    const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
    ctx.note(
      `flood answers: ${[...statuses.entries()]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status === 0 ? 'error' : status}: ${count}`)
        .join(', ')}`,
    );
    return {
      p50: percentile(quiet.value, 50),
      p99: percentile(quiet.value, 99),
      floodP50: percentile(flooded.value, 50),
      floodP99: percentile(flooded.value, 99),
      slowdownP50: percentile(flooded.value, 50) / percentile(quiet.value, 50),
      slowdownP99: percentile(flooded.value, 99) / percentile(quiet.value, 99),
      floodRps: answered / flooded.seconds,
    };
  },
};
