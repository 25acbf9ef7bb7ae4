import { describe, expect, it } from 'vitest';
import { fakeApi } from '../test/fake-api';
import { ApiError } from './api-error';
import { apiCall, apiJson, CSRF_HEADER } from './http';
import { listProjects } from './projects';
import { repositorySegment } from './repositories';
import { signIn } from './session';

describe('the API client', () => {
  it('sends the latest CSRF token on state-changing calls only', async () => {
    const received = fakeApi({
      'GET /api/v2.0/systeminfo': { json: {}, headers: { [CSRF_HEADER]: 'token-1' } },
      'POST /api/v2.0/projects': { status: 201, headers: { [CSRF_HEADER]: 'token-2' } },
      'DELETE /api/v2.0/projects/p': { json: null },
    });
    await apiJson('/systeminfo');
    await apiCall('/projects', { method: 'POST', json: { project_name: 'p' } });
    await apiCall('/projects/p', { method: 'DELETE' });
    expect(received.map((r) => r.headers.get(CSRF_HEADER))).toEqual([null, 'token-1', 'token-2']);
    expect(received[1]?.headers.get('Content-Type')).toBe('application/json');
  });

  it("turns Harbor's error envelope into an ApiError with the server's message", async () => {
    fakeApi({
      'POST /api/v2.0/projects': {
        status: 409,
        json: { errors: [{ code: 'CONFLICT', message: 'project p already exists' }] },
      },
    });
    const error = await apiCall('/projects', { method: 'POST', json: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'CONFLICT', message: 'project p already exists' });
  });

  it('names a failure without an envelope by its status', async () => {
    fakeApi({ 'GET /api/v2.0/ping': { status: 502, text: 'Bad Gateway' } });
    await expect(apiJson('/ping')).rejects.toMatchObject({ status: 502, code: 'HTTP_502', message: 'Bad Gateway' });
  });

  it('pages lists on the server and reads X-Total-Count', async () => {
    const received = fakeApi({
      'GET /api/v2.0/projects': { json: [{ name: 'a' }], headers: { 'X-Total-Count': '41' } },
    });
    const page = await listProjects({ page: 3, pageSize: 10, sort: '-creation_time', q: 'name=~a' });
    expect(page).toEqual({ items: [{ name: 'a' }], total: 41 });
    const params = received[0]?.url.searchParams;
    expect(Object.fromEntries(params ?? [])).toMatchObject({
      page: '3',
      page_size: '10',
      sort: '-creation_time',
      q: 'name=~a',
    });
  });

  it('signs in with a form-encoded principal and password', async () => {
    const received = fakeApi({ 'POST /c/login': { status: 200 } });
    await signIn('alice', 'S3cret&pass');
    expect(received[0]?.headers.get('Content-Type')).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(received[0]?.body)).toEqual(
      new URLSearchParams('principal=alice&password=S3cret%26pass'),
    );
  });

  it('encodes repository names twice, without the project', () => {
    expect(repositorySegment('library', 'library/a/b')).toBe('a%252Fb');
    expect(repositorySegment('library', 'library/alpine')).toBe('alpine');
  });
});
