import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { expectOciError, sha256 } from '../helpers/inject-client.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

const reg = useOciTestRegistry();
const digest = sha256('x');

/** The raw application: no credentials added, no projects created (an anonymous client). */
const anonymous = () => reg.wharf.app;

function expectOciEnvelope(res: LightMyRequestResponse, status: number, code: string): void {
  expectOciError(res, status, code);
  expect(res.headers['docker-distribution-api-version']).toBe('registry/2.0');
  expect(res.headers['content-type']).toBe('application/json');
  expect(res.headers['x-request-id']).toBeTruthy();
}

describe('repository names outside the grammar', () => {
  // Non-ASCII, NUL, a slash encoded, dots, spaces, control characters, malformed and overlong UTF-8.
  const names = [
    '%C3%A9quipe/app',
    'a%00b/app',
    'a%2F%2Fb',
    'a%2E%2Eb/app',
    'a%20b/c',
    'a%0Ab/c',
    '%ff/app',
    '%C0%AF/x',
  ];

  it.each(names)('answers %s with NAME_INVALID on every endpoint', async (name) => {
    for (const [method, url] of [
      ['GET', `/v2/${name}/tags/list`],
      ['GET', `/v2/${name}/manifests/latest`],
      ['PUT', `/v2/${name}/manifests/latest`],
      ['GET', `/v2/${name}/blobs/${digest}`],
      ['POST', `/v2/${name}/blobs/uploads/`],
      ['GET', `/v2/${name}/referrers/${digest}`],
    ] as const) {
      const res = await reg.app.inject({ method, url });
      expectOciEnvelope(res, 400, 'NAME_INVALID');
    }
  });

  it('refuses them before authorisation: an anonymous client gets NAME_INVALID, not a challenge', async () => {
    // distribution's router and Harbor's middlewares do not recognise such names either, and never challenge.
    for (const name of names) {
      const res = await anonymous().inject({ method: 'GET', url: `/v2/${name}/manifests/latest` });
      expectOciEnvelope(res, 400, 'NAME_INVALID');
      expect(res.headers['www-authenticate']).toBeUndefined();
    }
  });

  it('challenges an anonymous client for a name of the grammar that is too long, as distribution does', async () => {
    const name = `nosuch/${'a'.repeat(300)}`;
    const res = await anonymous().inject({ method: 'GET', url: `/v2/${name}/manifests/latest` });
    expectOciEnvelope(res, 401, 'UNAUTHORIZED');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="[^"]+",service="[^"]+",scope="repository:/);
    const authenticated = await reg.app.inject({ method: 'GET', url: `/v2/${name}/manifests/latest` });
    expectOciEnvelope(authenticated, 400, 'NAME_INVALID');
  });

  it('quotes a refused name shortened and escaped, never the whole of a huge one', async () => {
    const res = await reg.app.inject({ method: 'GET', url: `/v2/A${'b'.repeat(3000)}%00/tags/list` });
    expectOciEnvelope(res, 400, 'NAME_INVALID');
    expect(res.body.length).toBeLessThan(600);
    const { message } = res.json<{ errors: { message: string }[] }>().errors[0]!;
    expect(message).toMatch(/^invalid repository name "Ab+…": not of the name grammar$/);
  });
});

describe('URLs the router refuses (malformed percent-encoding)', () => {
  it('answers each part of a /v2 URL with the error of that part', async () => {
    expectOciEnvelope(await reg.app.inject({ method: 'GET', url: '/v2/a%zz/tags/list' }), 400, 'NAME_INVALID');
    expectOciEnvelope(await reg.app.inject({ method: 'GET', url: '/v2/a/blobs/sha256:%zz' }), 400, 'DIGEST_INVALID');
    expectOciEnvelope(
      await reg.app.inject({ method: 'GET', url: '/v2/a/blobs/uploads/%zz' }),
      404,
      'BLOB_UPLOAD_UNKNOWN',
    );
    expectOciEnvelope(await reg.app.inject({ method: 'GET', url: '/v2/a/manifests/%zz' }), 404, 'MANIFEST_UNKNOWN');
    expectOciEnvelope(await reg.app.inject({ method: 'PUT', url: '/v2/a/manifests/%zz' }), 400, 'TAG_INVALID');
    expectOciEnvelope(await reg.app.inject({ method: 'GET', url: '/v2/%zz' }), 404, 'UNSUPPORTED');
    // The same for an anonymous client: nothing in such a URL can name anything.
    expectOciEnvelope(await anonymous().inject({ method: 'GET', url: '/v2/a%zz/tags/list' }), 400, 'NAME_INVALID');
  });

  it('answers them outside /v2 with Harbor’s error envelope', async () => {
    for (const url of ['/api/v2.0/projects/%zz', '/projects/%zz']) {
      const res = await anonymous().inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toEqual({ errors: [{ code: 'BAD_REQUEST', message: expect.any(String) as string }] });
      expect(res.headers['docker-distribution-api-version']).toBeUndefined();
    }
  });
});

describe('requests Node’s HTTP parser refuses', () => {
  /** Sends raw bytes to a listening registry; resolves with everything it answered before closing. */
  async function raw(request: string): Promise<string> {
    const app = reg.wharf.app;
    if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(request));
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  function parse(answer: string): { status: number; headers: string; body: unknown } {
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head, body: JSON.parse(body) as unknown };
  }

  it('answers a malformed header on /v2 with an OCI error and the API version', async () => {
    const res = parse(await raw('GET /v2/a/tags/list HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n'));
    expect(res.status).toBe(400);
    expect(res.headers).toMatch(/\r\nDocker-Distribution-API-Version: registry\/2\.0(\r\n|$)/);
    expect(res.headers).toMatch(/\r\nContent-Type: application\/json(\r\n|$)/);
    expect(res.body).toMatchObject({ errors: [{ code: 'UNSUPPORTED', message: expect.any(String) as string }] });
  });

  it('answers headers over the size limit on /v2 with 431 and an OCI error', async () => {
    const res = parse(await raw(`GET /v2/a/tags/list HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(res.status).toBe(431);
    expect(res.headers).toContain('Docker-Distribution-API-Version: registry/2.0');
    expect(res.body).toMatchObject({ errors: [{ code: 'UNSUPPORTED' }] });
  });

  it('answers them elsewhere with Harbor’s envelope, without the registry header', async () => {
    const res = parse(await raw('GET /api/v2.0/ping HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n'));
    expect(res.status).toBe(400);
    expect(res.headers).not.toContain('Docker-Distribution-API-Version');
    expect(res.body).toMatchObject({ errors: [{ code: 'BAD_REQUEST' }] });
  });
});
