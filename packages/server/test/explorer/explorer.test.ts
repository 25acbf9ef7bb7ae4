import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestRegistry } from '../helpers/test-registry.js';

const reg = useTestRegistry();
const get = (url: string) => reg.app.inject({ method: 'GET', url });
const swaggerUiDist = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

describe('the API explorer at /devcenter', () => {
  it('serves a page that loads Swagger UI from Wharf itself', async () => {
    const res = await get('/devcenter');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<div id="swagger-ui"></div>');
    // The portal's content security policy and framing rules.
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const sources = [...res.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(
      expect.arrayContaining([
        '/devcenter/swagger-ui.css',
        '/devcenter/swagger-ui-bundle.js',
        '/devcenter/wharf-explorer.js',
      ]),
    );
    expect(
      sources.every((s) => s!.startsWith('/devcenter/')),
      'no external resources',
    ).toBe(true);
    expect((await get('/devcenter/')).statusCode).toBe(200);
  });

  it('points Swagger UI at /api/v2.0/openapi.json', async () => {
    const res = await get('/devcenter/wharf-explorer.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.body).toContain("url: '/api/v2.0/openapi.json'");
    expect(res.body).toContain('SwaggerUIBundle(');
  });

  it.each([
    ['swagger-ui.css', 'text/css; charset=utf-8'],
    ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
    ['favicon-32x32.png', 'image/png'],
    ['favicon-16x16.png', 'image/png'],
  ])('serves %s from the swagger-ui-dist package as %s', async (name, type) => {
    const res = await get(`/devcenter/${name}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.rawPayload.equals(await readFile(path.join(swaggerUiDist, name)))).toBe(true);
  });

  it("redirects Harbor's /devcenter-api-2.0 to /devcenter", async () => {
    const res = await get('/devcenter-api-2.0');
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/devcenter');
  });

  it.each([
    '/devcenter/..%2Fpackage.json',
    '/devcenter/..%2F..%2F..%2Fpackage.json',
    '/devcenter/%2e%2e%2fpackage.json',
    '/devcenter/..%5Cpackage.json',
    '/devcenter/package.json',
    '/devcenter/index.html',
    '/devcenter/swagger-ui-bundle.js.map',
    '/devcenter/swagger-ui.css%00.png',
    '/devcenter/constructor',
    '/devcenter/__proto__',
    '/devcenter/swagger-ui.css/x',
    '/devcenter/../package.json',
  ])('serves no other file: %s is not found', async (url) => {
    const res = await get(url);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('"name": "swagger-ui-dist"');
    expect(res.body).not.toContain('"name": "@wharf/server"');
  });
});

describe('the API explorer behind a proxy that strips /registry (http.baseUrl has a path)', () => {
  const proxied = useTestRegistry({ WHARF_HTTP_BASEURL: 'https://example.com/registry/' });
  const getProxied = (url: string) => proxied.app.inject({ method: 'GET', url });

  it('still answers at /devcenter, naming every file under the prefix', async () => {
    const res = await getProxied('/devcenter');
    expect(res.statusCode).toBe(200);
    const sources = [...res.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(
      expect.arrayContaining([
        '/registry/devcenter/swagger-ui.css',
        '/registry/devcenter/swagger-ui-bundle.js',
        '/registry/devcenter/wharf-explorer.js',
      ]),
    );
    expect((await getProxied('/devcenter/swagger-ui.css')).statusCode).toBe(200);
  });

  it("reads the document under the prefix and moves Try it out's calls there too", async () => {
    const res = await getProxied('/devcenter/wharf-explorer.js');
    expect(res.body).toContain("url: '/registry/api/v2.0/openapi.json'");
    expect(res.body).toContain('requestInterceptor');
    expect(res.body).toContain('url.pathname = "/registry" + url.pathname');
    // At the root there is nothing to move.
    expect((await get('/devcenter/wharf-explorer.js')).body).not.toContain('requestInterceptor');
  });

  it("redirects Harbor's /devcenter-api-2.0 under the prefix", async () => {
    const res = await getProxied('/devcenter-api-2.0');
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/registry/devcenter');
  });
});
