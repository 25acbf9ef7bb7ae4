import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/ports/clock.js';
import { ADMIN, api, basic, createUser, expectHarborError } from '../helpers/api-client.js';
import { startTestRegistry, type TestRegistry } from '../helpers/test-registry.js';

let reg: TestRegistry;
beforeAll(async () => {
  reg = await startTestRegistry();
});
afterAll(() => reg.close());

describe('GET /api/v2.0/ping', () => {
  it('answers Pong as text, without authentication', async () => {
    const res = await api(reg.app, 'GET', '/ping');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe('Pong');
  });
});

describe('GET /api/v2.0/health', () => {
  it('reports the database, the job engine and the storage healthy', async () => {
    const res = await api(reg.app, 'GET', '/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'healthy',
      components: [
        { name: 'database', status: 'healthy' },
        { name: 'jobservice', status: 'healthy' },
        { name: 'storage', status: 'healthy' },
      ],
    });
  });

  it('stays healthy under concurrent checks, leaving no probe files behind', async () => {
    const replies = await Promise.all(Array.from({ length: 10 }, () => api(reg.app, 'GET', '/health')));
    expect(replies.map((res) => res.json<{ status: string }>().status)).toEqual(Array(10).fill('healthy'));
    // The store removes emptied directories, so the probe directory is gone or empty.
    const left = await readdir(path.join(reg.dataDir, 'storage', 'health')).catch(() => []);
    expect(left).toEqual([]);
  });

  it('reports the storage unhealthy when it cannot be written', async () => {
    const other = await startTestRegistry();
    try {
      // A file where the probe's directory must be: every write below it fails.
      const probeDir = path.join(other.dataDir, 'storage', 'health');
      await rm(probeDir, { recursive: true, force: true });
      await mkdir(path.dirname(probeDir), { recursive: true });
      await writeFile(probeDir, 'not a directory');
      const res = await api(other.app, 'GET', '/health');
      expect(res.statusCode).toBe(200);
      const report = res.json<{ status: string; components: { name: string; status: string; error?: string }[] }>();
      expect(report.status).toBe('unhealthy');
      expect(report.components[0]).toEqual({ name: 'database', status: 'healthy' });
      expect(report.components[2]).toEqual({ name: 'storage', status: 'unhealthy', error: 'storage check failed' });
    } finally {
      await other.close();
    }
  });
});

describe('GET /api/v2.0/systeminfo', () => {
  it('shows anonymous callers only the general fields', async () => {
    const res = await api(reg.app, 'GET', '/systeminfo');
    expect(res.statusCode).toBe(200);
    const info = res.json<Record<string, unknown>>();
    expect(info).toMatchObject({ auth_mode: 'db_auth', self_registration: false, primary_auth_mode: false });
    expect(info.harbor_version).toBe('0.1.0');
    expect(Object.keys(info).sort()).toEqual([
      'auth_mode',
      'current_time',
      'harbor_version',
      'primary_auth_mode',
      'self_registration',
    ]);
  });

  it('tells the current time from the clock port', async () => {
    const clock = new ManualClock(Date.parse('2031-05-06T07:08:09.010Z'));
    const other = await startTestRegistry({}, { clock });
    try {
      const info = async () => (await api(other.app, 'GET', '/systeminfo')).json<{ current_time: string }>();
      expect((await info()).current_time).toBe('2031-05-06T07:08:09.010Z');
      clock.advanceSeconds(60);
      expect((await info()).current_time).toBe('2031-05-06T07:09:09.010Z');
    } finally {
      await other.close();
    }
  });

  it('shows authenticated users the URLs and policies too', async () => {
    const { credentials } = await createUser(reg.app, 'sysinfo-user');
    const res = await reg.app.inject({
      method: 'GET',
      url: '/api/v2.0/systeminfo',
      headers: {
        host: 'registry.example.com:5000',
        authorization: basic(credentials),
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      auth_mode: 'db_auth',
      external_url: 'http://registry.example.com:5000',
      registry_url: 'registry.example.com:5000',
      project_creation_restriction: 'everyone',
      read_only: false,
      harbor_version: '0.1.0',
    });
  });
});

describe('the API edge', () => {
  it('answers an unknown endpoint with NOT_FOUND in the Harbor envelope', async () => {
    expectHarborError(await api(reg.app, 'GET', '/nope', ADMIN), 404, 'NOT_FOUND');
  });

  it('refuses wrong credentials with 401 UNAUTHORIZED, without a browser challenge (as Harbor)', async () => {
    const res = await api(reg.app, 'GET', '/users/current', { username: 'admin', password: 'Wrong-passw0rd' });
    expectHarborError(res, 401, 'UNAUTHORIZED');
    expect(res.headers['www-authenticate']).toBeUndefined();
    const unknown = await api(reg.app, 'GET', '/systeminfo', { username: 'ghost', password: 'Passw0rd' });
    expectHarborError(unknown, 401, 'UNAUTHORIZED');
    const garbled = await reg.app.inject({
      method: 'GET',
      url: '/api/v2.0/systeminfo',
      headers: { authorization: 'Bearer abc' },
    });
    expectHarborError(garbled, 401, 'UNAUTHORIZED');
  });

  it('answers malformed JSON with BAD_REQUEST', async () => {
    const res = await reg.app.inject({
      method: 'POST',
      url: '/api/v2.0/users',
      headers: { 'content-type': 'application/json', authorization: basic(ADMIN) },
      payload: '{"username":',
    });
    expectHarborError(res, 400, 'BAD_REQUEST');
  });

  it('leaves /v2 as it was: OCI errors and no JSON parsing there', async () => {
    const res = await reg.app.inject({ method: 'GET', url: '/v2/library/nope/manifests/latest' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ errors: [{ code: 'MANIFEST_UNKNOWN' }] });
  });
});
