// Several nodes, end to end: three `wharf serve` processes (each its own data directory, one process each) on one
// PostgreSQL database, one Redis, one S3 bucket (s3rver) and one secret key, behind a round-robin proxy that sends
// each request to the next live node. Real clients (skopeo, podman) and raw HTTP go through the proxy; nodes are
// SIGKILLed in the middle of uploads and pushes, and whatever a node acknowledged must be served by the others.
// Always PostgreSQL and Redis: the test fails when either (or a client) is missing.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../src/adapters/db/postgres-test-database.js';
import { testRedisUrl } from '../../src/adapters/redis/redis-test.js';
import {
  ADMIN_AUTH,
  getBlob,
  getManifest,
  pushBlobChunked,
  pushManifest,
  sha256Digest,
} from '../helpers/oci-client.js';
import {
  buildMultiLayerImage,
  layoutDescriptor,
  manifestBlobs,
  readLayoutBlob,
  requireTools,
  run,
  type ImageManifest,
} from '../helpers/oci-images.js';
import { startWharf, type RunningRegistry } from '../helpers/registry-process.js';
import { startRoundRobinProxy, type RoundRobinProxy } from '../helpers/round-robin-proxy.js';
import { startS3Server, type RunningS3 } from '../helpers/s3-server.js';
import { ADMIN_PASSWORD } from '../helpers/test-registry.js';

const execFileAsync = promisify(execFile);
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

let database: TestDatabase | undefined;
let s3: RunningS3 | undefined;
let proxy: RoundRobinProxy;
let work = '';
const nodes = new Map<string, RunningRegistry>();
let env: Record<string, string> = {};
const started = Date.now();

async function startNode(name: string): Promise<void> {
  const node = await startWharf({ env });
  nodes.set(name, node);
}

/** The live nodes, by name. */
const live = (): [string, RunningRegistry][] => [...nodes].filter(([name]) => proxy.live().includes(name));

async function killNode(name: string): Promise<void> {
  await nodes.get(name)!.kill();
  proxy.markDown(name);
}

/** One request through the proxy, with the node that served it (requests made one at a time). */
async function via(method: string, url: string, init: RequestInit = {}): Promise<{ res: Response; node: string }> {
  const seq = proxy.records.length;
  const res = await fetch(new URL(url, proxy.url), { ...init, method, redirect: 'manual' });
  const record = proxy.records[seq];
  if (record === undefined || record.method !== method) throw new Error(`no proxy record for ${method} ${url}`);
  return { res, node: record.node };
}

/** The nodes that served the requests recorded since `from`. */
const servedSince = (from: number): Set<string> => new Set(proxy.records.slice(from).map((r) => r.node));

beforeAll(async () => {
  await requireTools('skopeo', 'podman', 'umoci');
  const redis = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
  } catch (err) {
    throw new Error(`MISSING REDIS at ${testRedisUrl()}: ${String(err)}`);
  } finally {
    redis.disconnect();
  }
  database = await createTestDatabase();
  s3 = await startS3Server();
  const bucket = s3.options(await s3.createBucket('multinode'));
  env = {
    WHARF_HTTP_WORKERS: '1',
    WHARF_DATABASE_DRIVER: 'postgres',
    WHARF_DATABASE_URL: database.url,
    WHARF_REDIS_URL: testRedisUrl(),
    WHARF_REDIS_KEYPREFIX: `wharf-multinode-${randomUUID()}:`,
    WHARF_SECRETS_KEY: randomBytes(32).toString('base64'),
    WHARF_STORAGE_DRIVER: 's3',
    WHARF_STORAGE_S3_ENDPOINT: bucket.endpoint!,
    WHARF_STORAGE_S3_REGION: bucket.region,
    WHARF_STORAGE_S3_BUCKET: bucket.bucket,
    WHARF_STORAGE_S3_FORCEPATHSTYLE: 'true',
    WHARF_STORAGE_S3_ACCESSKEY: bucket.accessKey!,
    WHARF_STORAGE_S3_SECRETKEY: bucket.secretKey!,
  };
  // The first node migrates the database; the other two start together on it.
  await startNode('n1');
  await Promise.all([startNode('n2'), startNode('n3')]);
  proxy = await startRoundRobinProxy([...nodes].map(([name, node]) => ({ name, host: node.host })));
  // podman names images after lowercase paths: no mkdtemp suffix with capitals.
  work = join(tmpdir(), `wharf-multinode-${randomBytes(6).toString('hex')}`);
  for (const dir of ['tmp', 'libpod-tmp']) await mkdir(join(work, dir), { recursive: true });
  await writeFile(
    join(work, 'storage.conf'),
    `[storage]\ndriver = "vfs"\ngraphroot = "${join(work, 'storage')}"\nrunroot = "${join(work, 'run')}"\n`,
  );
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await Promise.all([...nodes.values()].map((node) => node.stop()));
  await s3?.stop();
  await database?.drop();
  if (work !== '') await rm(work, { recursive: true, force: true });
  console.log(`multi-node test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

async function podman(...args: string[]): Promise<string> {
  const store = ['--root', join(work, 'storage'), '--runroot', join(work, 'run'), '--tmpdir', join(work, 'libpod-tmp')];
  const flags = ['--storage-driver', 'vfs', '--events-backend', 'file', '--cgroup-manager', 'cgroupfs'];
  try {
    const { stdout } = await execFileAsync('podman', [...store, ...flags, ...args], {
      env: { ...process.env, CONTAINERS_STORAGE_CONF: join(work, 'storage.conf'), TMPDIR: join(work, 'tmp') },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 90_000,
    });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    throw new Error(`podman ${args.join(' ')} failed: ${e.message ?? ''}\n--- stderr ---\n${e.stderr ?? ''}`);
  }
}

describe('three Wharf nodes behind a round-robin proxy', () => {
  it('skopeo and podman push and pull through all three nodes', async () => {
    const src = join(work, 'src');
    const image = await buildMultiLayerImage(src, 'v1');
    const ref = `docker://${proxy.host}/library/multinode/app:v1`;
    const from = proxy.records.length;
    const skopeo = (...args: string[]) => run('skopeo', ['copy', '--quiet', '--preserve-digests', ...args]);
    await skopeo('--dest-tls-verify=false', `--dest-creds=admin:${ADMIN_PASSWORD}`, `oci:${src}:v1`, ref);
    expect([...servedSince(from)].sort(), 'the push went through every node').toEqual(['n1', 'n2', 'n3']);

    const pulledFrom = proxy.records.length;
    const dst = join(work, 'dst');
    await skopeo('--src-tls-verify=false', ref, `oci:${dst}:pulled`);
    expect([...servedSince(pulledFrom)].sort(), 'the pull went through every node').toEqual(['n1', 'n2', 'n3']);
    expect((await layoutDescriptor(dst, 'pulled')).digest).toBe(image.manifestDigest);
    const manifestBytes = await readLayoutBlob(dst, image.manifestDigest);
    expect(manifestBytes.equals(await readLayoutBlob(src, image.manifestDigest))).toBe(true);
    const manifest = JSON.parse(manifestBytes.toString('utf8')) as ImageManifest;
    for (const blob of manifestBlobs(manifest)) {
      expect((await readLayoutBlob(dst, blob.digest)).equals(await readLayoutBlob(src, blob.digest))).toBe(true);
    }

    const podmanFrom = proxy.records.length;
    const id = (await podman('pull', '--tls-verify=false', '--quiet', `${proxy.host}/library/multinode/app:v1`)).trim();
    expect(`sha256:${id.split('\n').pop()}`).toBe(manifest.config.digest);
    expect(servedSince(podmanFrom).size, 'podman’s pull went through several nodes').toBeGreaterThan(1);

    // podman pushes it back under another tag, through the proxy; skopeo then reads it from there.
    const pushedFrom = proxy.records.length;
    await podman('tag', `${proxy.host}/library/multinode/app:v1`, `${proxy.host}/library/multinode/app:podman`);
    await podman(
      'push',
      '--tls-verify=false',
      '--quiet',
      `--creds=admin:${ADMIN_PASSWORD}`,
      `${proxy.host}/library/multinode/app:podman`,
    );
    expect(servedSince(pushedFrom).size, 'podman’s push went through several nodes').toBeGreaterThan(1);
    const back = join(work, 'back');
    await skopeo('--src-tls-verify=false', `docker://${proxy.host}/library/multinode/app:podman`, `oci:${back}:p`);
    const pushed = JSON.parse(
      (await readLayoutBlob(back, (await layoutDescriptor(back, 'p')).digest)).toString('utf8'),
    ) as ImageManifest;
    expect(pushed.config.digest).toBe(manifest.config.digest);
    expect(pushed.layers).toHaveLength(manifest.layers.length);
  }, 180_000);

  it('a setting changed on one node is in effect on the other two within a second', async () => {
    const [first, ...others] = live();
    expect(others).toHaveLength(2);
    const a = first![1];
    const startUpload = (node: RunningRegistry) =>
      fetch(`${node.url}/v2/library/multinode/frozen/blobs/uploads/`, { method: 'POST', headers: ADMIN_AUTH });
    const setReadOnly = async (value: boolean) => {
      const res = await fetch(`${a.url}/api/v2.0/configurations`, {
        method: 'PUT',
        headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ read_only: value }),
      });
      expect(res.status, await res.text()).toBe(200);
    };
    const delays: number[] = [];
    for (const [readOnly, expected] of [
      [true, 403],
      [false, 202],
    ] as const) {
      // Each other node first caches the current answer with a request that shows it.
      for (const [, node] of others) expect((await startUpload(node)).status).toBe(expected === 403 ? 202 : 403);
      const since = Date.now();
      await setReadOnly(readOnly);
      for (const [name, node] of others) {
        while ((await startUpload(node)).status !== expected) {
          if (Date.now() - since > 3000) throw new Error(`read_only=${readOnly} never reached ${name}`);
          await new Promise((r) => setTimeout(r, 10));
        }
        delays.push(Date.now() - since);
      }
    }
    console.log('read_only reached the other nodes after (ms):', delays);
    for (const delay of delays) expect(delay).toBeLessThan(1000);
  });

  it('a chunked upload moves from node to node, and survives the node of its last PATCH being killed', async () => {
    const repo = 'library/multinode/chunked';
    const token = await via('GET', `/service/token?service=wharf-registry&scope=repository:${repo}:pull,push`, {
      headers: ADMIN_AUTH,
    });
    expect(token.res.status).toBe(200);
    const bearer = { authorization: `Bearer ${((await token.res.json()) as { token: string }).token}` };
    // The token one node signed opens the repository on every node (asked directly: 404, not 401).
    for (const [name, node] of live()) {
      const res = await fetch(`${node.url}/v2/${repo}/tags/list`, { headers: bearer });
      expect(res.status, `${name}: ${await res.text()}`).toBe(404);
    }
    const forged = { authorization: `${bearer.authorization.slice(0, -4)}AAAA` };
    expect((await via('GET', `/v2/${repo}/tags/list`, { headers: forged })).res.status).toBe(401);

    /** POST and one PATCH per chunk; returns the upload's location and the node of each request. */
    const upload = async (data: Buffer, chunk: number) => {
      const post = await via('POST', `/v2/${repo}/blobs/uploads/`, { headers: bearer });
      expect(post.res.status).toBe(202);
      let location = post.res.headers.get('location')!;
      const served = [post.node];
      for (let offset = 0; offset < data.length; offset += chunk) {
        const body = data.subarray(offset, Math.min(offset + chunk, data.length));
        const range = `${offset}-${offset + body.length - 1}`;
        const headers = { ...bearer, 'content-type': 'application/octet-stream', 'content-range': range };
        const patch = await via('PATCH', location, { headers, body });
        expect(patch.res.status, await patch.res.text()).toBe(202);
        expect(patch.res.headers.get('range')).toBe(`0-${offset + body.length - 1}`);
        location = patch.res.headers.get('location')!;
        served.push(patch.node);
      }
      return { location, served };
    };
    const finish = (location: string, digest: string) => {
      const url = new URL(location, proxy.url);
      url.searchParams.set('digest', digest);
      return via('PUT', url.toString(), { headers: bearer });
    };

    const first = randomBytes(5 * 64 * 1024);
    const one = await upload(first, 64 * 1024);
    const put = await finish(one.location, sha256Digest(first));
    expect(put.res.status, await put.res.text()).toBe(201);
    const served = [token.node, ...one.served, put.node];
    for (let i = 1; i < served.length; i++) expect(served[i], `request ${i}`).not.toBe(served[i - 1]);
    expect(new Set(served).size, 'the token and the upload used every node').toBe(3);

    const second = randomBytes(3 * 100 * 1024 + 17);
    const two = await upload(second, 100 * 1024);
    const lastPatchNode = two.served.at(-1)!;
    await killNode(lastPatchNode);
    const status = await via('GET', two.location, { headers: bearer });
    expect(status.res.status, await status.res.text()).toBe(204);
    expect(status.res.headers.get('range')).toBe(`0-${second.length - 1}`);
    const done = await finish(two.location, sha256Digest(second));
    expect(done.res.status, await done.res.text()).toBe(201);
    expect([status.node, done.node]).not.toContain(lastPatchNode);
    for (const [digest, data] of [
      [sha256Digest(first), first],
      [sha256Digest(second), second],
    ] as const) {
      const blob = await via('GET', `/v2/${repo}/blobs/${digest}`, { headers: bearer });
      expect(blob.res.status).toBe(200);
      expect(Buffer.from(await blob.res.arrayBuffer()).equals(data)).toBe(true);
    }
    // A node started now, on the same database, bucket and key, takes the killed one's place.
    await startNode('n4');
    proxy.add({ name: 'n4', host: nodes.get('n4')!.host });
  }, 90_000);

  it('every push acknowledged before, during or after a node is SIGKILLed pulls completely from the others', async () => {
    const victim = live()[1]![0];
    interface Pushed {
      repo: string;
      digest: string;
      manifest: Buffer;
      blobs: Map<string, Buffer>;
    }
    const acknowledged: Pushed[] = [];
    let killed: Promise<void> | undefined;
    let settledAfterKill = 0;

    const pushOne = async (i: number): Promise<void> => {
      const repo = `library/multinode/crash-${i}`;
      const raw = [randomBytes(300 * 1024), randomBytes(200 * 1024)];
      const layers = raw.map((bytes) => gzipSync(bytes, { level: 1 }));
      const config = Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          config: { Env: [`PUSH=${i}`] },
          rootfs: { type: 'layers', diff_ids: raw.map((bytes) => sha256Digest(bytes)) },
        }),
      );
      const blobs = new Map([config, ...layers].map((b) => [sha256Digest(b), b]));
      for (const blob of [config, ...layers]) await pushBlobChunked(proxy.url, repo, blob, 128 * 1024);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          config: {
            mediaType: 'application/vnd.oci.image.config.v1+json',
            digest: sha256Digest(config),
            size: config.length,
          },
          layers: layers.map((l) => ({
            mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
            digest: sha256Digest(l),
            size: l.length,
          })),
        }),
      );
      const { digest } = await pushManifest(proxy.url, repo, 'v1', manifest, OCI_MANIFEST);
      acknowledged.push({ repo, digest, manifest, blobs });
      if (acknowledged.length === 3) killed = killNode(victim);
    };
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        pushOne(i).finally(() => {
          if (killed !== undefined) settledAfterKill++;
        }),
      ),
    );
    await killed;
    const failures = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason).slice(0, 300));
    console.log(`pushes acknowledged: ${acknowledged.length} of 12; failures:`, failures);
    expect(killed, 'the node was killed').toBeDefined();
    expect(settledAfterKill, 'pushes were still running when the node was killed').toBeGreaterThan(0);
    expect(proxy.live()).not.toContain(victim);
    expect(acknowledged.length).toBeGreaterThanOrEqual(3);

    for (const [name, node] of live()) {
      for (const pushed of acknowledged) {
        const fetched = await getManifest(node.url, pushed.repo, 'v1');
        expect(fetched.digest, `${pushed.repo} on ${name}`).toBe(pushed.digest);
        expect(fetched.body.equals(pushed.manifest)).toBe(true);
        for (const [digest, bytes] of pushed.blobs) {
          expect((await getBlob(node.url, pushed.repo, digest)).equals(bytes), `${digest} on ${name}`).toBe(true);
        }
      }
    }
  }, 120_000);
});
