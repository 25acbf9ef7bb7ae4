import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestRegistry, TEST_DATABASE, type TestRegistry } from '../helpers/test-registry.js';

/**
 * Everything Wharf creates under its data directory is private, whatever the umask: files 0600, directories 0700.
 * Each start runs in-process under a chosen umask, with a generated administrator password, the token key
 * generated, and a blob pushed (so that the storage tree exists), then every entry of the data directory is checked,
 * SQLite's -wal and -shm files included (they exist while the database is open).
 */

/** Every entry under `dir` with its permission bits, as `relative path → mode`. */
async function modes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true })) {
    out[entry] = ((await stat(path.join(dir, entry))).mode & 0o777).toString(8);
  }
  return out;
}

function expectPrivate(entries: Record<string, string>, dirs: Set<string>): void {
  const wrong = Object.entries(entries).filter(([entry, mode]) => mode !== (dirs.has(entry) ? '700' : '600'));
  expect(wrong, 'entries that are not 0600 (files) or 0700 (directories)').toEqual([]);
}

async function directories(dir: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isDirectory()) out.add(path.relative(dir, path.join(entry.parentPath, entry.name)));
  }
  return out;
}

async function pushBlob(registry: TestRegistry, password: string): Promise<void> {
  const data = Buffer.from('private layer bytes');
  const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  const res = await registry.app.inject({
    method: 'POST',
    url: `/v2/library/modes/blobs/uploads/?digest=${digest}`,
    headers: {
      authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`,
      'content-type': 'application/octet-stream',
    },
    payload: data,
  });
  expect(res.statusCode, res.body).toBe(201);
}

describe('files Wharf creates', () => {
  let previous: number;
  let registry: TestRegistry | undefined;
  const cleanup: (() => Promise<void>)[] = [];
  beforeEach(() => {
    previous = process.umask();
  });
  afterEach(async () => {
    await registry?.close();
    registry = undefined;
    for (const step of cleanup.splice(0)) await step();
    process.umask(previous);
  });

  for (const umask of [0o000, 0o022]) {
    it(`are 0600, and its directories 0700, under umask ${umask.toString(8).padStart(3, '0')}`, async () => {
      process.umask(umask);
      // A data directory Wharf creates itself (two levels of it), and no configured password: the first start
      // generates one and writes <data.dir>/admin-password.
      const parent = await mkdtemp(path.join(tmpdir(), 'wharf-modes-'));
      cleanup.push(() => rm(parent, { recursive: true, force: true }));
      const dataDir = path.join(parent, 'created', 'data');
      registry = await startTestRegistry({ WHARF_ADMIN_PASSWORD: undefined, WHARF_DATA_DIR: dataDir });
      expect(await modes(parent)).toMatchObject({ created: '700', 'created/data': '700' });
      const password = (await readFile(path.join(dataDir, 'admin-password'), 'utf8')).trim();
      await pushBlob(registry, password);

      const running = await modes(dataDir);
      const expected = ['admin-password', 'secret.key', 'storage/blobs'];
      if (TEST_DATABASE === 'sqlite') expected.push('wharf.db', 'wharf.db-wal', 'wharf.db-shm');
      expect(Object.keys(running)).toEqual(expect.arrayContaining(expected));
      expect(Object.keys(running).some((entry) => entry.endsWith('/data'))).toBe(true); // the blob's file
      expectPrivate(running, await directories(dataDir));
    });
  }
});
