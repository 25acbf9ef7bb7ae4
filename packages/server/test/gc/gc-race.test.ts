import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { OCI_CONFIG, OCI_LAYER, OCI_MANIFEST, sha256, type Descriptor } from '../helpers/inject-client.js';
import { TEST_DATABASE, useOciTestRegistry } from '../helpers/test-registry.js';
import { openTestStorage } from '../helpers/test-storage.js';

const reg = useOciTestRegistry();

const PUSHERS = 4;
const IMAGES_PER_PUSHER = 16;
const REPOSITORIES = ['race/a', 'race/b', 'race/c'];
/** Layers every pusher draws from, so that images overlap and blobs are shared across repositories. */
const BASE_LAYERS = Array.from({ length: 6 }, (_, i) => randomBytes(1024 + i * 97));

/** A deterministic pseudo-random sequence per actor, so a failing run can be read again. */
function sequence(seed: number): () => number {
  let x = seed * 2654435761 + 1;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

type Outcome = 'ok' | 'retry';

async function uploadBlob(app: FastifyInstance, repo: string, content: Buffer): Promise<Outcome> {
  const res = await app.inject({
    method: 'POST',
    url: `/v2/${repo}/blobs/uploads/?digest=${sha256(content)}`,
    payload: content,
    headers: { 'content-type': 'application/octet-stream' },
  });
  if (res.statusCode === 201) return 'ok';
  // Garbage collection is deleting that very blob: push it again shortly.
  if (res.statusCode === 503) return 'retry';
  throw new Error(`blob upload answered ${res.statusCode}: ${res.body}`);
}

/** One image push as a client makes it: blobs, then the manifest; a refusal caused by GC makes it start over. */
async function pushImage(app: FastifyInstance, repo: string, tag: string, pick: () => number): Promise<string> {
  const layers = [BASE_LAYERS[Math.floor(pick() * BASE_LAYERS.length)]!, randomBytes(300)];
  if (pick() < 0.5) layers.push(BASE_LAYERS[Math.floor(pick() * BASE_LAYERS.length)]!);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', tag, n: pick() }));
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
    layers: [...new Set(layers)].map((l): Descriptor => ({ mediaType: OCI_LAYER, digest: sha256(l), size: l.length })),
  };
  const body = Buffer.from(JSON.stringify(manifest));
  for (let attempt = 0; attempt < 50; attempt++) {
    let retry = false;
    for (const content of [config, ...new Set(layers)]) retry ||= (await uploadBlob(app, repo, content)) === 'retry';
    if (retry) continue;
    const res = await app.inject({
      method: 'PUT',
      url: `/v2/${repo}/manifests/${tag}`,
      payload: body,
      headers: { 'content-type': OCI_MANIFEST },
    });
    if (res.statusCode === 201) return sha256(body);
    const code = (res.json<{ errors: { code: string }[] }>().errors[0] ?? { code: '' }).code;
    // A blob collected between its upload and the manifest (window 0), or one being collected: push again.
    if (res.statusCode === 503 || code === 'MANIFEST_BLOB_UNKNOWN') continue;
    throw new Error(`manifest PUT answered ${res.statusCode}: ${res.body}`);
  }
  throw new Error(`could not push ${repo}:${tag} in 50 attempts`);
}

async function deleteSomething(app: FastifyInstance, pick: () => number): Promise<void> {
  const repo = REPOSITORIES[Math.floor(pick() * REPOSITORIES.length)]!;
  const tags = await app.inject({ method: 'GET', url: `/v2/${repo}/tags/list` });
  if (tags.statusCode !== 200) return;
  const names = tags.json<{ tags: string[] | null }>().tags ?? [];
  if (names.length === 0) return;
  const tag = names[Math.floor(pick() * names.length)]!;
  if (pick() < 0.5) {
    await app.inject({ method: 'DELETE', url: `/v2/${repo}/manifests/${tag}` });
    return;
  }
  const head = await app.inject({ method: 'HEAD', url: `/v2/${repo}/manifests/${tag}` });
  const digest = head.headers['docker-content-digest'];
  if (typeof digest === 'string') await app.inject({ method: 'DELETE', url: `/v2/${repo}/manifests/${digest}` });
}

describe(`garbage collection racing pushes and deletes (${TEST_DATABASE})`, () => {
  it('leaves every tagged image complete, byte for byte, and no unreferenced blob behind', async () => {
    const { app, wharf } = reg;
    let pushing = true;
    const gcRounds: number[] = [];
    // With a window of 0 a blob uploaded but not yet in a manifest is garbage, so a collector that never paused would
    // starve every push (each would have to start over forever). Rounds run back to back while pushes are in flight,
    // but each waits until as many pushes as there are pushers have completed since the previous one.
    let progressed: () => void = () => undefined;
    let progress = new Promise<void>((resolve) => (progressed = resolve));
    let since = 0;
    const pushedOne = () => {
      if (++since < PUSHERS) return;
      since = 0;
      progressed();
      progress = new Promise<void>((resolve) => (progressed = resolve));
    };
    const collector = (async () => {
      for (let round = 0; pushing || round < 3; round++) {
        if (pushing) await progress;
        const result = await wharf.gc.run(
          { deleteUntagged: round % 2 === 1, dryRun: false, workers: 1 + (round % 5), timeWindowMs: 0 },
          { signal: new AbortController().signal, log: () => undefined },
        );
        gcRounds.push(result.blobsDeleted);
      }
    })();
    const pushers = Array.from({ length: PUSHERS }, async (_, p) => {
      const pick = sequence(p + 1);
      for (let i = 0; i < IMAGES_PER_PUSHER; i++) {
        const repo = REPOSITORIES[(p + i) % REPOSITORIES.length]!;
        // Tags are reused, so pushes also move tags off images that then become garbage.
        await pushImage(app, repo, `t${Math.floor(pick() * 8)}`, pick);
        pushedOne();
        if (pick() < 0.3) await deleteSomething(app, pick);
      }
    });
    try {
      await Promise.all(pushers);
    } finally {
      pushing = false;
      progressed();
      await collector;
    }
    expect(gcRounds.length).toBeGreaterThanOrEqual(3);
    expect(gcRounds.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    // Every tagged image pulls and verifies byte for byte.
    let images = 0;
    for (const repo of REPOSITORIES) {
      const tags = (await app.inject({ method: 'GET', url: `/v2/${repo}/tags/list` })).json<{
        tags: string[] | null;
      }>();
      for (const tag of tags.tags ?? []) {
        const res = await app.inject({ method: 'GET', url: `/v2/${repo}/manifests/${tag}` });
        expect(res.statusCode, `${repo}:${tag}`).toBe(200);
        expect(sha256(res.rawPayload)).toBe(res.headers['docker-content-digest']);
        const manifest = res.json<{ config: Descriptor; layers: Descriptor[] }>();
        for (const blob of [manifest.config, ...manifest.layers]) {
          const got = await app.inject({ method: 'GET', url: `/v2/${repo}/blobs/${blob.digest}` });
          expect(got.statusCode, `${repo}:${tag} ${blob.digest}`).toBe(200);
          expect(`sha256:${createHash('sha256').update(got.rawPayload).digest('hex')}`).toBe(blob.digest);
          expect(got.rawPayload.length).toBe(blob.size);
        }
        images += 1;
      }
    }
    expect(images).toBeGreaterThan(0);

    // Nothing unreferenced is left once a last run has passed, in the records or in storage.
    await wharf.gc.run(
      { deleteUntagged: false, dryRun: false, workers: 2, timeWindowMs: 0 },
      { signal: new AbortController().signal, log: () => undefined },
    );
    expect(await wharf.store.garbage.unreferencedBlobs(wharf.clock.now(), undefined, 10)).toEqual([]);
    expect(await wharf.store.garbage.deletingBlobs(undefined, 10)).toEqual([]);
    for await (const file of openTestStorage(reg.storage).walk('blobs/sha256')) {
      const hex = file.path.split('/')[3] ?? '';
      expect(await wharf.store.blobs.get(`sha256:${hex}`), `stored content sha256:${hex} has a record`).toBeDefined();
    }
  });
});
