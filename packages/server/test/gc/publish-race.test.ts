import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createBlobStore } from '../../src/adapters/blob/index.js';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { sha256 } from '../helpers/inject-client.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

/** Runs once, right after the next `stat` of a path ending in `suffix` answered. */
let afterStat: { suffix: string; run: () => Promise<void> } | undefined;

function hookedStorage(root: string): BlobStore {
  const inner = createBlobStore({ driver: 'filesystem', rootDirectory: root });
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'stat') {
        return async (path: string) => {
          const info = await target.stat(path);
          const hook = afterStat;
          if (hook && path.endsWith(hook.suffix)) {
            afterStat = undefined;
            await hook.run();
          }
          return info;
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const reg = useOciTestRegistry({ WHARF_TAGS_RESTOREWINDOW: '0' }, { storage: hookedStorage });

function upload(repo: string, content: Buffer) {
  return reg.app.inject({
    method: 'POST',
    url: `/v2/${repo}/blobs/uploads/?digest=${sha256(content)}`,
    payload: content,
    headers: { 'content-type': 'application/octet-stream' },
  });
}

describe('an upload of content that garbage collection deletes while the upload is published', () => {
  it('is refused with 503 and a retry stores it, instead of recording it without its content', async () => {
    const content = randomBytes(2048);
    const digest = sha256(content);
    // Uploaded and never put in a manifest: garbage for a collection with a time window of 0.
    expect((await upload('race/publish', content)).statusCode).toBe(201);

    // The same content uploaded again: right after the upload found it stored, a collection deletes it, content
    // and record, before the upload records it.
    let collected = 0;
    afterStat = {
      suffix: `${digest.slice('sha256:'.length)}/data`,
      run: async () => {
        const result = await reg.wharf.gc.run(
          { deleteUntagged: false, dryRun: false, workers: 1, timeWindowMs: 0 },
          { signal: new AbortController().signal, log: () => undefined },
        );
        collected = result.blobsDeleted;
      },
    };
    const again = await upload('race/publish', content);
    expect(afterStat).toBeUndefined();
    expect(collected).toBe(1);
    expect(again.statusCode, again.body).toBe(503);
    expect(again.json<{ errors: { code: string }[] }>().errors[0]?.code).toBe('UNAVAILABLE');

    // The client's retry stores it, and it can be read back whole.
    expect((await upload('race/publish', content)).statusCode).toBe(201);
    const read = await reg.app.inject({ method: 'GET', url: `/v2/race/publish/blobs/${digest}` });
    expect(read.statusCode).toBe(200);
    expect(read.rawPayload.equals(content)).toBe(true);
  });
});
