import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ADMIN, api, expectHarborError, type Credentials } from '../helpers/api-client.js';
import { pullManifest, pushImage } from '../helpers/artifact-content.js';
import {
  createProjectWithMembers,
  createRobotDirect,
  createUserDirect,
  type ProjectWithMembers,
} from '../helpers/principals.js';
import { ensureRepository } from '../../src/registry-core/repository-records.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const registry = useTestRegistry();

interface World {
  open: ProjectWithMembers;
  secret: ProjectWithMembers;
  mineMember: Credentials;
  outsider: Credentials;
  mineRobot: Credentials;
  everywhereRobot: Credentials;
}

let world: Promise<World> | undefined;

/**
 * library (public) with library/app; sx-open (public) with two repositories, one holding two manifests;
 * sx-secret (private) with two; sx-mine (private, one member) with one. Blobs of 1000 + 234 bytes.
 */
function setUp(): Promise<World> {
  world ??= (async () => {
    const { wharf } = registry;
    const open = await createProjectWithMembers(wharf, 'sx-open', { public: true });
    const secret = await createProjectWithMembers(wharf, 'sx-secret', { public: false });
    const mine = await wharf.store.projects.create({ name: 'sx-mine', public: false });
    const mineMember = await createUserDirect(wharf, 'mine-member');
    const memberId = (await wharf.store.users.getByName('mine-member'))?.id ?? 0;
    await wharf.store.members.add({ projectId: mine.id, entityType: 'u', entityId: memberId, roleId: 3 });
    const outsider = await createUserDirect(wharf, 'sx-outsider');
    for (const name of ['library/app', 'sx-open/app', 'sx-open/web', 'sx-secret/app', 'sx-secret/db', 'sx-mine/app']) {
      await ensureRepository(wharf.store, name);
    }
    const openApp = await ensureRepository(wharf.store, 'sx-open/app');
    for (const seed of ['one', 'two']) {
      const digest = `sha256:${createHash('sha256').update(seed).digest('hex')}`;
      await wharf.store.manifests.put(
        { repositoryId: openApp.id, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 100 },
        [],
      );
    }
    await wharf.store.blobs.put({ digest: `sha256:${'a'.repeat(64)}`, size: 1000 }, Date.now());
    await wharf.store.blobs.put({ digest: `sha256:${'b'.repeat(64)}`, size: 234 }, Date.now());
    const pull = [{ resource: 'repository', action: 'pull' }];
    const mineRobot = await createRobotDirect(wharf, 'sx-bot', pull, mine);
    const everywhereRobot = await createRobotDirect(wharf, 'sx-everywhere', pull);
    return { open, secret, mineMember, outsider, mineRobot, everywhereRobot };
  })();
  return world;
}

interface SearchJson {
  project: { name: string; project_id: number; repo_count: number; current_user_role_id: number }[];
  repository: {
    project_id: number;
    project_name: string;
    project_public: boolean;
    repository_name: string;
    pull_count: number;
    artifact_count: number;
  }[];
}

async function search(q: string, as?: Credentials): Promise<SearchJson> {
  const res = await api(registry.app, 'GET', `/search?q=${encodeURIComponent(q)}`, as);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<SearchJson>();
}

async function found(q: string, as?: Credentials): Promise<{ projects: string[]; repositories: string[] }> {
  const result = await search(q, as);
  return {
    projects: result.project.map((p) => p.name),
    repositories: result.repository.map((r) => r.repository_name),
  };
}

describe('GET /search', () => {
  it('finds public projects and repositories for anonymous callers and outsiders, nothing private', async () => {
    const { outsider, open } = await setUp();
    const publicOnly = { projects: ['sx-open'], repositories: ['sx-open/app', 'sx-open/web'] };
    expect(await found('sx-')).toEqual(publicOnly);
    expect(await found('sx-', outsider)).toEqual(publicOnly);
    const anonymous = await search('', undefined);
    expect(JSON.stringify(anonymous)).not.toMatch(/sx-secret|sx-mine/);
    const result = await search('open/a');
    expect(result.project).toEqual([]);
    expect(result.repository).toEqual([
      {
        project_id: open.project.id,
        project_name: 'sx-open',
        project_public: true,
        repository_name: 'sx-open/app',
        pull_count: 0,
        artifact_count: 2,
      },
    ]);
  });

  it("adds the caller's own private projects and their repositories, with the caller's role", async () => {
    const { secret, mineMember } = await setUp();
    expect(await found('sx-', secret.members.limitedGuest)).toEqual({
      projects: ['sx-open', 'sx-secret'],
      repositories: ['sx-open/app', 'sx-open/web', 'sx-secret/app', 'sx-secret/db'],
    });
    expect(await found('sx-', mineMember)).toEqual({
      projects: ['sx-mine', 'sx-open'],
      repositories: ['sx-mine/app', 'sx-open/app', 'sx-open/web'],
    });
    const own = (await search('sx-secret', secret.members.developer)).project;
    expect(own).toEqual([expect.objectContaining({ name: 'sx-secret', repo_count: 2, current_user_role_id: 2 })]);
  });

  it('shows administrators everything and robots what their permissions name', async () => {
    const { mineRobot, everywhereRobot } = await setUp();
    const all = {
      projects: ['sx-mine', 'sx-open', 'sx-secret'],
      repositories: ['sx-mine/app', 'sx-open/app', 'sx-open/web', 'sx-secret/app', 'sx-secret/db'],
    };
    expect(await found('sx-', ADMIN)).toEqual(all);
    expect(await found('sx-', everywhereRobot)).toEqual(all);
    expect(await found('sx-', mineRobot)).toEqual({
      projects: ['sx-mine', 'sx-open'],
      repositories: ['sx-mine/app', 'sx-open/app', 'sx-open/web'],
    });
    expect((await found('APP', ADMIN)).repositories).toEqual([
      'library/app',
      'sx-mine/app',
      'sx-open/app',
      'sx-secret/app',
    ]);
  });

  it('requires q, and refuses bad credentials', async () => {
    expectHarborError(await api(registry.app, 'GET', '/search'), 400, 'BAD_REQUEST');
    const wrong = await api(registry.app, 'GET', '/search?q=a', { username: 'admin', password: 'nope' });
    expectHarborError(wrong, 401, 'UNAUTHORIZED');
  });
});

describe('GET /search pull counts', () => {
  // A registry of its own, so the pushed content does not change the counts and sizes the other tests expect.
  const own = useTestRegistry();

  it('reports how often each repository was pulled, as the pull recorder counted', async () => {
    const project = await own.wharf.store.projects.create({ name: 'pc-open', public: true });
    await pushImage(own.app, 'pc-open/pulled', 'v1');
    await pushImage(own.app, 'pc-open/idle', 'v1');
    for (let i = 0; i < 3; i++) expect((await pullManifest(own.app, 'pc-open/pulled', 'v1')).statusCode).toBe(200);
    await own.wharf.pulls.flush();
    const res = await api(own.app, 'GET', '/search?q=pc-open');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<SearchJson>().repository).toEqual([
      {
        project_id: project.id,
        project_name: 'pc-open',
        project_public: true,
        repository_name: 'pc-open/idle',
        pull_count: 0,
        artifact_count: 1,
      },
      {
        project_id: project.id,
        project_name: 'pc-open',
        project_public: true,
        repository_name: 'pc-open/pulled',
        pull_count: 3,
        artifact_count: 1,
      },
    ]);
  });
});

describe('GET /statistics', () => {
  const publicCounts = { public_project_count: 2, public_repo_count: 3 };
  const noTotals = { total_project_count: 0, total_repo_count: 0, total_storage_consumption: 0 };

  it('refuses anonymous callers with 401', async () => {
    expectHarborError(await api(registry.app, 'GET', '/statistics'), 401, 'UNAUTHORIZED');
  });

  it('counts public projects for everyone and private ones only as far as the caller sees them', async () => {
    const { outsider, secret, mineMember, mineRobot } = await setUp();
    const statistics = async (as: Credentials) => {
      const res = await api(registry.app, 'GET', '/statistics', as);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<Record<string, number>>();
    };
    expect(await statistics(outsider)).toEqual({
      ...publicCounts,
      private_project_count: 0,
      private_repo_count: 0,
      ...noTotals,
    });
    expect(await statistics(secret.members.guest)).toEqual({
      ...publicCounts,
      private_project_count: 1,
      private_repo_count: 2,
      ...noTotals,
    });
    expect(await statistics(mineMember)).toEqual({
      ...publicCounts,
      private_project_count: 1,
      private_repo_count: 1,
      ...noTotals,
    });
    expect(await statistics(mineRobot)).toEqual({
      ...publicCounts,
      private_project_count: 1,
      private_repo_count: 1,
      ...noTotals,
    });
  });

  it('gives administrators the totals and the storage of every blob', async () => {
    await setUp();
    const res = await api(registry.app, 'GET', '/statistics', ADMIN);
    expect(res.json()).toEqual({
      ...publicCounts,
      private_project_count: 2,
      private_repo_count: 3,
      total_project_count: 4,
      total_repo_count: 6,
      total_storage_consumption: 1234,
    });
  });
});
