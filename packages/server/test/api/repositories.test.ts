import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, api, basic, expectHarborError } from '../helpers/api-client.js';
import { pullManifest, pushImage, pushIndex, pushReferrer, twice } from '../helpers/artifact-content.js';
import { createProjectWithMembers, createUserDirect, type ProjectWithMembers } from '../helpers/principals.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const AS_ADMIN = { authorization: basic(ADMIN) };

const reg = useTestRegistry();

interface Repository {
  id: number;
  project_id: number;
  name: string;
  description: string;
  artifact_count: number;
  pull_count: number;
  creation_time: string;
  update_time: string;
}

let open: ProjectWithMembers;
let secret: ProjectWithMembers;
beforeAll(async () => {
  open = await createProjectWithMembers(reg.wharf, 'open', { public: true });
  secret = await createProjectWithMembers(reg.wharf, 'secret', { public: false });
  await pushImage(reg.app, 'open/alpha', 'v1');
  await pushImage(reg.app, 'open/beta', 'v1');
  await pushImage(reg.app, 'open/team/gamma', 'v1');
  await pushImage(reg.app, 'secret/hidden', 'v1');
});

const names = (res: { json: <T>() => T }) => res.json<Repository[]>().map((r) => r.name);

describe('GET /projects/{project_name}/repositories', () => {
  it("lists the project's repositories with Harbor's fields, newest first by default", async () => {
    const res = await api(reg.app, 'GET', '/projects/open/repositories', ADMIN);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['x-total-count']).toBe('3');
    const repositories = res.json<Repository[]>();
    expect(repositories.map((r) => r.name)).toEqual(['open/team/gamma', 'open/beta', 'open/alpha']);
    const alpha = repositories.find((r) => r.name === 'open/alpha')!;
    expect(alpha).toEqual({
      id: expect.any(Number) as number,
      project_id: open.project.id,
      name: 'open/alpha',
      description: '',
      artifact_count: 1,
      pull_count: 0,
      creation_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
      update_time: expect.stringMatching(/Z$/) as string,
    });
    expect(Date.parse(alpha.update_time)).toBeGreaterThanOrEqual(Date.parse(alpha.creation_time));
  });

  it('pages with X-Total-Count and Link', async () => {
    const res = await api(reg.app, 'GET', '/projects/open/repositories?page=2&page_size=1&sort=name', ADMIN);
    expect(names(res)).toEqual(['open/beta']);
    expect(res.headers['x-total-count']).toBe('3');
    expect(res.headers.link).toBe(
      '</api/v2.0/projects/open/repositories?page=1&page_size=1&sort=name>; rel="prev" , ' +
        '</api/v2.0/projects/open/repositories?page=3&page_size=1&sort=name>; rel="next"',
    );
  });

  it('filters by name (exact, fuzzy, any of) and sorts', async () => {
    const get = (query: string) => api(reg.app, 'GET', `/projects/open/repositories?${query}`, ADMIN);
    expect(names(await get('q=name%3Dopen%2Fbeta'))).toEqual(['open/beta']);
    expect(names(await get('q=name%3D~ALP'))).toEqual(['open/alpha']);
    expect(names(await get('q=name%3D%7Bopen%2Falpha%20open%2Fbeta%7D&sort=name'))).toEqual([
      'open/alpha',
      'open/beta',
    ]);
    expect(names(await get('sort=-name'))).toEqual(['open/team/gamma', 'open/beta', 'open/alpha']);
    expect(names(await get('sort=creation_time'))).toEqual(['open/alpha', 'open/beta', 'open/team/gamma']);
  });

  it('rejects unknown query keys, malformed terms and unknown sort keys with 400', async () => {
    for (const query of ['q=colour%3Dred', 'q=name%3D%5Ba~b%5D', 'q=novalue', 'sort=size', 'page=0', 'page_size=101']) {
      expectHarborError(await api(reg.app, 'GET', `/projects/open/repositories?${query}`, ADMIN), 400, 'BAD_REQUEST');
    }
  });

  it('answers for a project that does not exist: 404 to an administrator, 403 to users, 401 anonymously', async () => {
    expectHarborError(await api(reg.app, 'GET', '/projects/nowhere/repositories', ADMIN), 404, 'NOT_FOUND');
    expectHarborError(
      await api(reg.app, 'GET', '/projects/nowhere/repositories', open.members.guest),
      403,
      'FORBIDDEN',
    );
    expectHarborError(await api(reg.app, 'GET', '/projects/nowhere/repositories'), 401, 'UNAUTHORIZED');
  });
});

describe('GET /repositories', () => {
  it('shows an administrator every repository', async () => {
    const res = await api(reg.app, 'GET', '/repositories?sort=name&page_size=100', ADMIN);
    expect(res.statusCode).toBe(200);
    expect(names(res)).toEqual(expect.arrayContaining(['open/alpha', 'secret/hidden']));
  });

  it('shows anonymous callers and outsiders only public projects, members also their own', async () => {
    const outsider = await createUserDirect(reg.wharf, 'repo-outsider');
    for (const as of [undefined, outsider]) {
      const res = await api(reg.app, 'GET', '/repositories?page_size=100', as);
      expect(res.statusCode).toBe(200);
      expect(names(res)).toContain('open/alpha');
      expect(names(res)).not.toContain('secret/hidden');
      expect(res.headers['x-total-count']).toBe(String(names(res).length));
    }
    const member = await api(reg.app, 'GET', '/repositories?page_size=100', secret.members.limitedGuest);
    expect(names(member)).toEqual(expect.arrayContaining(['open/alpha', 'secret/hidden']));
  });

  it('filters by name across projects', async () => {
    const res = await api(reg.app, 'GET', '/repositories?q=name%3D~hidden', ADMIN);
    expect(names(res)).toEqual(['secret/hidden']);
    const anonymous = await api(reg.app, 'GET', '/repositories?q=name%3D~hidden');
    expect(names(anonymous)).toEqual([]);
    expect(anonymous.headers['x-total-count']).toBe('0');
  });
});

describe('GET /projects/{project_name}/repositories/{repository_name}', () => {
  it('finds nested repositories by their name encoded once or twice', async () => {
    for (const path of [
      '/projects/open/repositories/team%2Fgamma',
      `/projects/open/repositories/${twice('team/gamma')}`,
    ]) {
      const res = await api(reg.app, 'GET', path, ADMIN);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<Repository>()).toMatchObject({ name: 'open/team/gamma', project_id: open.project.id });
    }
  });

  it('answers 404 for an unknown repository', async () => {
    expectHarborError(await api(reg.app, 'GET', '/projects/open/repositories/nothing', ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(reg.app, 'GET', '/projects/open/repositories/BAD..name', ADMIN), 404, 'NOT_FOUND');
  });

  it('counts the artifacts a list shows: not the children of an index, not accessories', async () => {
    await pushImage(reg.app, 'open/counted', 'v1');
    const index = await pushIndex(reg.app, 'open/counted', 'multi');
    await pushReferrer(reg.app, 'open/counted', {
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: index.digest,
      size: index.size,
    });
    const res = await api(reg.app, 'GET', '/projects/open/repositories/counted', ADMIN);
    expect(res.json<Repository>().artifact_count).toBe(2);
  });

  it('counts manifest GETs over /v2 as pulls (not HEADs), once the pulls are written', async () => {
    await pushImage(reg.app, 'open/pulled', 'v1');
    for (let i = 0; i < 3; i++) expect((await pullManifest(reg.app, 'open/pulled', 'v1')).statusCode).toBe(200);
    const head = await reg.app.inject({ method: 'HEAD', url: '/v2/open/pulled/manifests/v1', headers: {} });
    expect(head.statusCode).toBe(200);
    await reg.wharf.pulls.flush();
    const res = await api(reg.app, 'GET', '/projects/open/repositories/pulled', ADMIN);
    expect(res.json<Repository>().pull_count).toBe(3);
  });
});

describe('PUT /projects/{project_name}/repositories/{repository_name}', () => {
  it('changes the description only, and update_time with it', async () => {
    await pushImage(reg.app, 'open/described', 'v1');
    const before = (await api(reg.app, 'GET', '/projects/open/repositories/described', ADMIN)).json<Repository>();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const put = await api(reg.app, 'PUT', '/projects/open/repositories/described', ADMIN, {
      description: 'The described one',
      name: 'ignored/rename',
      pull_count: 99,
    });
    expect(put.statusCode, put.body).toBe(200);
    const after = (await api(reg.app, 'GET', '/projects/open/repositories/described', ADMIN)).json<Repository>();
    expect(after).toMatchObject({ name: 'open/described', description: 'The described one', pull_count: 0 });
    expect(Date.parse(after.update_time)).toBeGreaterThan(Date.parse(before.update_time));
    expect(after.creation_time).toBe(before.creation_time);
  });

  it('clears the description when the body has none (as Harbor does)', async () => {
    await pushImage(reg.app, 'open/cleared', 'v1');
    await api(reg.app, 'PUT', '/projects/open/repositories/cleared', ADMIN, { description: 'x' });
    await api(reg.app, 'PUT', '/projects/open/repositories/cleared', ADMIN, {});
    const res = await api(reg.app, 'GET', '/projects/open/repositories/cleared', ADMIN);
    expect(res.json<Repository>().description).toBe('');
  });

  it('rejects bodies that are not an object or a description that is not text, and unknown repositories', async () => {
    const path = '/projects/open/repositories/alpha';
    expectHarborError(await api(reg.app, 'PUT', path, ADMIN, [1]), 400, 'BAD_REQUEST');
    expectHarborError(await api(reg.app, 'PUT', path, ADMIN, { description: 5 }), 400, 'BAD_REQUEST');
    expectHarborError(await api(reg.app, 'PUT', path, ADMIN, { description: 'x'.repeat(1025) }), 400, 'BAD_REQUEST');
    expectHarborError(
      await api(reg.app, 'PUT', '/projects/open/repositories/ghost', ADMIN, { description: '' }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('DELETE /projects/{project_name}/repositories/{repository_name}', () => {
  it('deletes the repository with its artifacts and tags; /v2 no longer knows it; it can be pushed again', async () => {
    const image = await pushImage(reg.app, 'open/doomed/app', 'v1');
    await pushIndex(reg.app, 'open/doomed/app', 'multi');
    const res = await api(reg.app, 'DELETE', `/projects/open/repositories/${twice('doomed/app')}`, ADMIN);
    expect(res.statusCode, res.body).toBe(200);
    expectHarborError(await api(reg.app, 'GET', '/projects/open/repositories/doomed%2Fapp', ADMIN), 404, 'NOT_FOUND');
    const tags = await reg.app.inject({ method: 'GET', url: '/v2/open/doomed/app/tags/list', headers: AS_ADMIN });
    expect(tags.statusCode).toBe(404);
    expect((await pullManifest(reg.app, 'open/doomed/app', image.digest)).statusCode).toBe(404);
    const catalog = await reg.app.inject({ method: 'GET', url: '/v2/_catalog?n=1000', headers: AS_ADMIN });
    expect(catalog.json<{ repositories: string[] }>().repositories).not.toContain('open/doomed/app');
    await pushImage(reg.app, 'open/doomed/app', 'v2');
    const again = await api(reg.app, 'GET', '/projects/open/repositories/doomed%2Fapp', ADMIN);
    expect(again.json<Repository>().artifact_count).toBe(1);
  });

  it('answers 404 for an unknown repository', async () => {
    expectHarborError(await api(reg.app, 'DELETE', '/projects/open/repositories/ghost', ADMIN), 404, 'NOT_FOUND');
  });
});
