/**
 * Scenario 5: manifest GET and HEAD by tag at concurrency 32. GET uses wrk; HEAD uses the built-in raw-socket load
 * generator because wrk cannot do HEAD (see loadgen.ts). A GET run of the same generator calibrates it against wrk.
 */
import { repositoryScope } from '../auth.js';
import { runLoad, type LoadResult } from '../loadgen.js';
import { MANIFEST_ACCEPT, makeSmallImage } from '../oci.js';
import { runWrk } from '../wrk.js';
import type { Measured, Scenario, ScenarioContext } from './types.js';

const REPO = 'library/bench/manifest';
const TAG = 'latest';
const PATH = `/v2/${REPO}/manifests/${TAG}`;

function check(ctx: ScenarioContext, what: string, r: Pick<LoadResult, 'non2xx' | 'socketErrors' | 'requests'>): void {
  if (r.non2xx > 0 || r.socketErrors > 0) {
    ctx.note(`${what}: ${r.non2xx} non-2xx responses, ${r.socketErrors} socket errors of ${r.requests} requests`);
  }
  if (r.requests === 0) throw new Error(`${what}: no request completed`);
}

/** The server's CPU microseconds per request of a measured load phase. */
function cpuPerRequestUs(m: Measured<Pick<LoadResult, 'requests'>>): number {
  return (m.usage.cpuSeconds * 1e6) / m.value.requests;
}

export const manifestReads: Scenario = {
  id: 'manifest',
  title: 'Manifest GET / HEAD by tag',
  metrics: [
    { key: 'getRps', label: 'manifest GET, c=32 (wrk)', unit: 'req/s', better: 'higher', targetRatio: 5 },
    { key: 'getP99', label: 'manifest GET p99 latency (wrk)', unit: 'ms', better: 'lower' },
    { key: 'headRps', label: 'manifest HEAD, c=32 (node loadgen)', unit: 'req/s', better: 'higher', targetRatio: 5 },
    { key: 'headP99', label: 'manifest HEAD p99 latency (node loadgen)', unit: 'ms', better: 'lower' },
    { key: 'getRpsNode', label: 'manifest GET, c=32 (node loadgen, calibration)', unit: 'req/s', better: 'higher' },
    // Server CPU (utime+stime of its process tree during the phase) per request answered: far less sensitive to other
    // work on the machine than the throughput, which is what an A/B of two builds should compare.
    { key: 'getCpuUs', label: 'server CPU per manifest GET (wrk)', unit: 'µs/req', better: 'lower' },
    { key: 'headCpuUs', label: 'server CPU per manifest HEAD (node loadgen)', unit: 'µs/req', better: 'lower' },
    { key: 'getNodeCpuUs', label: 'server CPU per manifest GET (node loadgen)', unit: 'µs/req', better: 'lower' },
  ],
  async run(ctx) {
    const { cfg } = ctx;
    const image = makeSmallImage(`manifest-${ctx.server.role}`, 2, 2048);
    await ctx.client.pushImage(REPO, TAG, image);
    const got = await ctx.client.getManifest(REPO, TAG, 'GET');
    if (!got.body.equals(image.manifest)) throw new Error('manifest GET returned different bytes than were pushed');
    await ctx.client.getManifest(REPO, TAG, 'HEAD');
    // Wharf: one Bearer token (pull on this repository) obtained up front and sent with every request, as a client
    // holding a cached token does. The reference has no authentication configured and gets no Authorization header.
    const auth = await ctx.client.authHeaders(repositoryScope(REPO, 'pull'));
    const headers = { Accept: MANIFEST_ACCEPT, ...auth };
    ctx.log(auth['authorization'] === undefined ? 'no Authorization header' : 'Authorization: Bearer <token, pull>');
    const c = cfg.wrkConnections;
    const secs = cfg.wrkSeconds;

    const get = await ctx.measure(`manifest GET (wrk -t${cfg.wrkThreads} -c${c}, ${secs}s)`, () =>
      runWrk({
        url: `${ctx.server.baseUrl}${PATH}`,
        method: 'GET',
        headers,
        seconds: secs,
        connections: c,
        threads: cfg.wrkThreads,
        scriptDir: ctx.workDir,
      }),
    );
    check(ctx, 'manifest GET (wrk)', get.value);
    const load = (method: 'GET' | 'HEAD'): Promise<LoadResult> =>
      runLoad({ baseUrl: ctx.server.baseUrl, path: PATH, method, headers, seconds: secs, connections: c });
    const head = await ctx.measure(`manifest HEAD (node loadgen c=${c}, ${secs}s)`, () => load('HEAD'));
    check(ctx, 'manifest HEAD', head.value);
    const getNode = await ctx.measure(`manifest GET (node loadgen c=${c}, ${secs}s)`, () => load('GET'));
    check(ctx, 'manifest GET (node loadgen)', getNode.value);
    return {
      getRps: get.value.requestsPerSec,
      getP99: get.value.p99Ms,
      headRps: head.value.requestsPerSec,
      headP99: head.value.p99Ms,
      getRpsNode: getNode.value.requestsPerSec,
      getCpuUs: cpuPerRequestUs(get),
      headCpuUs: cpuPerRequestUs(head),
      getNodeCpuUs: cpuPerRequestUs(getNode),
    };
  },
};
