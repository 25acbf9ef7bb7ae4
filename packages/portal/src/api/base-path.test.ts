import { afterEach, describe, expect, it } from 'vitest';
import { apiJson } from './http';
import { fakeApi } from '../test/fake-api';
import { basePath, routerBasename, serverUrl } from './base-path';

function setBase(href: string | undefined): void {
  document.querySelector('base')?.remove();
  if (href === undefined) return;
  const base = document.createElement('base');
  base.setAttribute('href', href);
  document.head.prepend(base);
}

afterEach(() => setBase(undefined));

describe('the base path', () => {
  it('is the root without a <base href>: server paths and routes stay as they are', () => {
    expect(basePath()).toBe('/');
    expect(serverUrl('/api/v2.0/users')).toBe('/api/v2.0/users');
    expect(routerBasename()).toBeUndefined();
  });

  it("is the server's <base href> under a proxy's prefix", () => {
    setBase('/registry/');
    expect(basePath()).toBe('/registry/');
    expect(serverUrl('/c/login')).toBe('/registry/c/login');
    expect(serverUrl('/devcenter')).toBe('/registry/devcenter');
    expect(serverUrl('/api/v2.0/openapi.json')).toBe('/registry/api/v2.0/openapi.json');
    expect(routerBasename()).toBe('/registry');
    setBase('/a/b');
    expect(basePath()).toBe('/a/b/');
  });

  it('puts every API call under the prefix', async () => {
    setBase('/registry/');
    const received = fakeApi({ 'GET /registry/api/v2.0/users/current': { json: { username: 'admin' } } });
    expect(await apiJson('/users/current')).toEqual({ username: 'admin' });
    expect(received.map((r) => r.url.pathname)).toEqual(['/registry/api/v2.0/users/current']);
  });
});
