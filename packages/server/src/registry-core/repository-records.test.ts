import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../adapters/db/index.js';
import type { Store } from '../ports/store.js';
import { ensureRepository } from './repository-records.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function freshStore(): Promise<Store> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-ensure-'));
  const store = openStore({ driver: 'sqlite', path: join(dir, 'wharf.db'), synchronous: 'normal' });
  cleanup.push(
    () => rm(dir, { recursive: true, force: true }),
    () => store.close(),
  );
  await store.migrate();
  return store;
}

describe('ensureRepository (the core rule: a repository belongs to the project its first segment names)', () => {
  it('refuses a repository whose project does not exist, naming the project, and creates nothing', async () => {
    const store = await freshStore();
    await expect(store.transaction((tx) => ensureRepository(tx, 'team/app'))).rejects.toMatchObject({
      kind: 'not-found',
      entity: 'project',
      message: 'project team does not exist',
    });
    expect(await store.repositories.get('team/app')).toBeUndefined();
    expect(await store.projects.getByName('team')).toBeUndefined();
  });

  it('files a new repository under that project and returns an existing one without looking again', async () => {
    const store = await freshStore();
    const team = await store.projects.create({ name: 'team', public: false });
    const created = await store.transaction((tx) => ensureRepository(tx, 'team/sub/tool'));
    expect(await store.repositories.countByProject([team.id])).toEqual(new Map([[team.id, 1]]));
    // Once the repository exists the project is not consulted: a deleted project row would not matter here.
    expect(await ensureRepository(store, 'team/sub/tool')).toEqual(created);
    const library = await store.projects.getByName('library');
    await ensureRepository(store, 'library');
    expect(await store.repositories.count([library?.id ?? 0])).toBe(1);
  });
});
