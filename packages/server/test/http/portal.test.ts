import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, basic } from '../helpers/api-client.js';
import { startTestRegistry, type TestRegistry } from '../helpers/test-registry.js';

// A stand-in for the portal's build: index.html, a hashed script and an unhashed file at the top.
const INDEX = '<!doctype html><title>Wharf</title><script type="module" src="/assets/index-abc123.js"></script>';
const SCRIPT = 'console.log("portal");';

let portalDir = '';
let reg: TestRegistry;
let unbuilt: TestRegistry;
let proxied: TestRegistry;

beforeAll(async () => {
  portalDir = await mkdtemp(path.join(tmpdir(), 'wharf-portal-'));
  await mkdir(path.join(portalDir, 'assets'));
  await writeFile(path.join(portalDir, 'index.html'), INDEX);
  await writeFile(path.join(portalDir, 'assets', 'index-abc123.js'), SCRIPT);
  await writeFile(path.join(portalDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  reg = await startTestRegistry({ WHARF_PORTAL_DIR: portalDir });
  unbuilt = await startTestRegistry({ WHARF_PORTAL_DIR: path.join(portalDir, 'missing') });
  proxied = await startTestRegistry({ WHARF_PORTAL_DIR: portalDir, WHARF_HTTP_BASEURL: 'http://localhost/registry' });
});

afterAll(async () => {
  await reg.close();
  await unbuilt.close();
  await proxied.close();
  await rm(portalDir, { recursive: true, force: true });
});

describe('the portal at /', () => {
  it('serves index.html at / and for client-side routes, revalidated on every use', async () => {
    for (const url of ['/', '/projects', '/projects/library/members', '/artifacts/library/alpine@sha256:0a?x=1']) {
      const res = await reg.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.body).toBe(INDEX);
    }
  });

  it('serves hashed assets with their content type, cached for a year, and answers HEAD', async () => {
    const res = await reg.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.body).toBe(SCRIPT);
    const head = await reg.app.inject({ method: 'HEAD', url: '/assets/index-abc123.js' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });

  it('revalidates unhashed files with their ETag', async () => {
    const res = await reg.app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.headers['cache-control']).toBe('no-cache');
    const etag = res.headers.etag;
    expect(etag).toBeTruthy();
    const again = await reg.app.inject({ method: 'GET', url: '/favicon.svg', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
  });

  it('answers a missing hashed asset with 404, not with index.html', async () => {
    const res = await reg.app.inject({ method: 'GET', url: '/assets/gone-000000.js' });
    expect(res.statusCode).toBe(404);
  });

  it('never leaves its directory', async () => {
    for (const url of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json']) {
      const res = await reg.app.inject({ method: 'GET', url });
      expect(res.body, url).not.toContain('"name"');
    }
  });

  it('never shadows the server: /v2, /api, /service, /c and /devcenter keep their own answers', async () => {
    // /v2/ needs credentials (how `docker login` checks them): the registry's own challenge, not the portal.
    const v2 = await reg.app.inject({ method: 'GET', url: '/v2/' });
    expect(v2.statusCode).toBe(401);
    expect(v2.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] });
    expect(
      (await reg.app.inject({ method: 'GET', url: '/v2/', headers: { authorization: basic(ADMIN) } })).json(),
    ).toEqual({});
    const api = await reg.app.inject({ method: 'GET', url: '/api/v2.0/ping' });
    expect(api.body).toBe('Pong');
    const unknownApi = await reg.app.inject({ method: 'GET', url: '/api/v2.0/no-such-thing' });
    expect(unknownApi.statusCode).toBe(404);
    expect(unknownApi.json()).toMatchObject({ errors: [{ code: 'NOT_FOUND' }] });
    // Their own answers: not found, an anonymous token, the API explorer (which is HTML, but not the portal).
    const expected = { '/api': 404, '/c/login': 404, '/service/token': 200, '/devcenter': 200 };
    for (const [url, status] of Object.entries(expected)) {
      const res = await reg.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(status);
      expect(res.body, url).not.toBe(INDEX);
    }
  });

  it('serves the app to browser navigations and to clients that accept anything (curl, no Accept at all)', async () => {
    const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
    for (const accept of [browser, '*/*', 'text/*', 'application/xhtml+xml', undefined]) {
      for (const url of ['/', '/projects/library/members']) {
        const res = await reg.app.inject({ method: 'GET', url, headers: accept === undefined ? {} : { accept } });
        expect(res.statusCode, `${url} ${accept}`).toBe(200);
        expect(res.body).toBe(INDEX);
      }
    }
  });

  it('answers requests for other types than HTML with a JSON 404, not the app', async () => {
    // Programs probing the server (docker, podman, scripts) must get something they can parse.
    for (const accept of ['application/json', 'application/json, text/plain, */*', 'image/png', 'text/html;q=0']) {
      for (const url of ['/', '/projects', '/anything/else']) {
        const res = await reg.app.inject({ method: 'GET', url, headers: { accept } });
        expect(res.statusCode, `${url} ${accept}`).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.json()).toEqual({ errors: [{ code: 'NOT_FOUND', message: expect.any(String) as string }] });
      }
    }
  });

  it('answers missing files, reserved prefixes and other methods with a JSON 404, whatever the Accept', async () => {
    const accept = 'text/html,*/*;q=0.8';
    for (const [method, url] of [
      ['GET', '/favicon.ico'],
      ['GET', '/assets/gone-000000.js'],
      ['GET', '/v1/_nothing'],
      ['GET', '/service/nothing'],
      ['GET', '/c/nothing'],
      ['POST', '/projects'],
      ['DELETE', '/'],
    ] as const) {
      const res = await reg.app.inject({ method, url, headers: { accept } });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.body, url).not.toBe(INDEX);
      expect(res.json(), url).toEqual({ errors: [{ code: 'NOT_FOUND', message: expect.any(String) as string }] });
    }
    // docker search and podman search: real answers, in JSON.
    const ping = await reg.app.inject({ method: 'GET', url: '/v1/_ping', headers: { accept } });
    expect(ping.json()).toEqual({ standalone: false });
    const search = await reg.app.inject({ method: 'GET', url: '/v1/search?q=x', headers: { accept } });
    expect(search.statusCode).toBe(200);
    expect(search.json()).toMatchObject({ num_results: 0, query: 'x', results: [] });
  });

  it('explains how to build the portal when it is not built, and the registry still works', async () => {
    const res = await unbuilt.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('npm run build');
    expect(res.body).toContain('portal.dir');
    const v2 = await unbuilt.app.inject({ method: 'GET', url: '/v2/', headers: { authorization: basic(ADMIN) } });
    expect(v2.statusCode).toBe(200);
  });
});

describe('the portal behind a reverse proxy that publishes it under /registry (http.baseUrl has a path)', () => {
  // The proxy strips the prefix: Wharf still serves at /, but every URL it hands the browser is under /registry/.
  const html = async (url: string) => {
    const res = await proxied.app.inject({ method: 'GET', url });
    expect(res.statusCode, url).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    return res;
  };

  it("tells the app its base and moves index.html's own URLs under the prefix", async () => {
    for (const url of ['/', '/projects/library/members', '/admin/users']) {
      const res = await html(url);
      expect(res.body, url).toBe(
        '<!doctype html><base href="/registry/"><title>Wharf</title>' +
          '<script type="module" src="/registry/assets/index-abc123.js"></script>',
      );
    }
  });

  it('serves the assets those URLs name once the proxy has stripped the prefix', async () => {
    const { body } = await html('/');
    const script = /src="\/registry(\/assets\/[^"]+)"/.exec(body)?.[1];
    expect(script).toBe('/assets/index-abc123.js');
    const asset = await proxied.app.inject({ method: 'GET', url: script ?? '' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe(SCRIPT);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('revalidates the rewritten index.html with an ETag of what it sends', async () => {
    const first = await html('/projects');
    expect(first.headers['cache-control']).toBe('no-cache');
    expect(first.headers['content-security-policy']).toContain("base-uri 'self'");
    const etag = first.headers.etag;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await proxied.app.inject({ method: 'GET', url: '/', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('sends the explorer with its files and the OpenAPI document under the prefix', async () => {
    const page = await html('/devcenter');
    const sources = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.every((s) => s!.startsWith('/registry/devcenter/'))).toBe(true);
    const script = await proxied.app.inject({ method: 'GET', url: '/devcenter/wharf-explorer.js' });
    expect(script.body).toContain("url: '/registry/api/v2.0/openapi.json'");
    const redirect = await proxied.app.inject({ method: 'GET', url: '/devcenter-api-2.0' });
    expect(redirect.headers.location).toBe('/registry/devcenter');
  });
});
