import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, basic, type Credentials } from '../helpers/api-client.js';
import { pushImage } from '../helpers/inject-client.js';
import { createProjectWithMembers, createUserDirect } from '../helpers/principals.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

const reg = useOciTestRegistry();

interface SearchAnswer {
  num_results: number;
  num_pages: number;
  page: number;
  page_size: number;
  query: string;
  results: { name: string; description: string; star_count: number; is_official: boolean; is_automated: boolean }[];
}

let member: Credentials;
let outsider: Credentials;

beforeAll(async () => {
  // Through the helpers and the management API only, not the stores, so the test does not depend on their shape.
  const admin = { authorization: basic(ADMIN) };
  const created = await reg.app.inject({
    method: 'POST',
    url: '/api/v2.0/projects',
    headers: admin,
    payload: { project_name: 'pubsearch', metadata: { public: 'true' } },
  });
  expect(created.statusCode, created.body).toBe(201);
  member = (await createProjectWithMembers(reg.wharf, 'privsearch', { public: false })).members.guest;
  outsider = await createUserDirect(reg.wharf, 'outsider');
  for (const name of ['pubsearch/web-app', 'pubsearch/webhook', 'pubsearch/db', 'privsearch/web-secret']) {
    await pushImage(reg.app, name, 'v1', { layers: 0 });
  }
  const described = await reg.app.inject({
    method: 'PUT',
    url: '/api/v2.0/projects/pubsearch/repositories/web-app',
    headers: admin,
    payload: { description: 'The web application' },
  });
  expect(described.statusCode, described.body).toBe(200);
});

/** GET /v1/search on the raw application (no credentials added). */
async function search(query: string, authorization?: string) {
  return reg.wharf.app.inject({
    method: 'GET',
    url: `/v1/search?${query}`,
    headers: authorization ? { authorization } : {},
  });
}

function names(body: SearchAnswer): string[] {
  return body.results.map((r) => r.name);
}

describe('GET /v1/search (docker search, podman search)', () => {
  it('answers in Docker Hub’s v1 shape: public repositories only for an anonymous caller', async () => {
    const res = await search('q=web&n=25');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json()).toEqual({
      num_results: 2,
      num_pages: 1,
      page: 1,
      page_size: 25,
      query: 'web',
      results: [
        {
          name: 'pubsearch/web-app',
          description: 'The web application',
          star_count: 0,
          is_official: false,
          is_automated: false,
        },
        { name: 'pubsearch/webhook', description: '', star_count: 0, is_official: false, is_automated: false },
      ],
    });
    // The empty Basic credentials docker sends when it is not logged in are anonymous too.
    expect(names((await search('q=web', basic({ username: '', password: '' }))).json<SearchAnswer>())).toEqual([
      'pubsearch/web-app',
      'pubsearch/webhook',
    ]);
  });

  it('shows a signed-in user the repositories of its projects too, and an administrator everything', async () => {
    expect(names((await search('q=WEB', basic(member))).json<SearchAnswer>())).toEqual([
      'privsearch/web-secret',
      'pubsearch/web-app',
      'pubsearch/webhook',
    ]);
    expect(names((await search('q=web', basic(outsider))).json<SearchAnswer>())).not.toContain('privsearch/web-secret');
    expect(names((await search('q=secret', basic(ADMIN))).json<SearchAnswer>())).toEqual(['privsearch/web-secret']);
  });

  it('accepts a token from /service/token, as the /v2 endpoints do', async () => {
    const token = await reg.wharf.app.inject({
      method: 'GET',
      url: '/service/token',
      headers: { authorization: basic(member) },
    });
    const bearer = `Bearer ${token.json<{ token: string }>().token}`;
    expect(names((await search('q=secret', bearer)).json<SearchAnswer>())).toEqual(['privsearch/web-secret']);
    expect((await search('q=secret', 'Bearer not.a.token')).statusCode).toBe(401);
  });

  it('pages with n and page', async () => {
    const first = (await search('q=pubsearch&n=2')).json<SearchAnswer>();
    expect(first).toMatchObject({ num_results: 3, num_pages: 2, page: 1, page_size: 2 });
    expect(names(first)).toEqual(['pubsearch/db', 'pubsearch/web-app']);
    const second = (await search('q=pubsearch&n=2&page=2')).json<SearchAnswer>();
    expect(names(second)).toEqual(['pubsearch/webhook']);
    expect(names((await search('q=pubsearch&n=2&page=3')).json<SearchAnswer>())).toEqual([]);
    expect(names((await search('')).json<SearchAnswer>())).toContain('pubsearch/db');
    expect((await search('q=a%00b')).json()).toMatchObject({ num_results: 0, query: 'a\u0000b', results: [] });
  });

  it('refuses malformed paging and wrong credentials with Harbor’s error envelope', async () => {
    for (const query of ['q=a&n=0', 'q=a&n=101', 'q=a&n=x', 'q=a&page=0', 'q=a&page=-1']) {
      const res = await search(query);
      expect(res.statusCode, query).toBe(400);
      expect(res.json()).toEqual({ errors: [{ code: 'BAD_REQUEST', message: expect.any(String) as string }] });
    }
    const wrong = await search('q=web', basic({ username: 'searcher', password: 'wrong' }));
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] });
  });
});

describe('the rest of /v1', () => {
  it('answers docker’s ping as a registry that is not standalone', async () => {
    const res = await reg.wharf.app.inject({ method: 'GET', url: '/v1/_ping' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-docker-registry-standalone']).toBe('false');
    expect(res.json()).toEqual({ standalone: false });
  });

  it('answers every other /v1 path with a JSON 404, never the portal', async () => {
    for (const [method, url] of [
      ['GET', '/v1/repositories/library/app/tags'],
      ['GET', '/v1'],
      ['PUT', '/v1/repositories/library/app/'],
      ['POST', '/v1/search'],
    ] as const) {
      const res = await reg.wharf.app.inject({ method, url, headers: { accept: 'text/html' } });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json(), url).toMatchObject({ errors: [{ code: 'NOT_FOUND' }] });
    }
  });
});
