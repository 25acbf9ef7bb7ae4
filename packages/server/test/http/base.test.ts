import { describe, expect, it } from 'vitest';
import { OCI_ERRORS, OCI_SPEC_CODES } from '../../src/http/oci/errcode.js';
import { expectOciError } from '../helpers/inject-client.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

const reg = useOciTestRegistry();

describe('GET /v2/', () => {
  it('answers 200 with the API version header, with and without the trailing slash', async () => {
    for (const url of ['/v2/', '/v2']) {
      const res = await reg.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['docker-distribution-api-version']).toBe('registry/2.0');
      expect(res.json()).toEqual({});
    }
  });

  it('answers HEAD', async () => {
    const res = await reg.app.inject({ method: 'HEAD', url: '/v2/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
  });

  it('gives every reply a request id, and keeps a sane one the client sent', async () => {
    const res = await reg.app.inject({ method: 'GET', url: '/v2/', headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers['x-request-id']).toBe('abc-123');
    const other = await reg.app.inject({ method: 'GET', url: '/v2/' });
    expect(other.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('carries the API version header on errors too', async () => {
    const res = await reg.app.inject({ method: 'GET', url: '/v2/nope/manifests/latest' });
    expectOciError(res, 404, 'MANIFEST_UNKNOWN');
    expect(res.headers['docker-distribution-api-version']).toBe('registry/2.0');
  });

  it('answers unknown endpoints and methods with the error envelope', async () => {
    expectOciError(await reg.app.inject({ method: 'GET', url: '/v2/a/unknownthing' }), 404, 'UNSUPPORTED');
    expectOciError(await reg.app.inject({ method: 'POST', url: '/v2/a/tags/list' }), 405, 'UNSUPPORTED');
    expectOciError(await reg.app.inject({ method: 'PATCH', url: '/v2/_catalog' }), 405, 'UNSUPPORTED');
  });
});

describe('the error catalogue', () => {
  it('holds the fourteen OCI codes with the statuses of the specification', () => {
    expect(OCI_SPEC_CODES).toHaveLength(14);
    const statuses = Object.fromEntries(OCI_SPEC_CODES.map((c) => [c, OCI_ERRORS[c].status]));
    expect(statuses).toEqual({
      BLOB_UNKNOWN: 404,
      BLOB_UPLOAD_INVALID: 400,
      BLOB_UPLOAD_UNKNOWN: 404,
      DIGEST_INVALID: 400,
      MANIFEST_BLOB_UNKNOWN: 400,
      MANIFEST_INVALID: 400,
      MANIFEST_UNKNOWN: 404,
      NAME_INVALID: 400,
      NAME_UNKNOWN: 404,
      SIZE_INVALID: 400,
      UNAUTHORIZED: 401,
      DENIED: 403,
      UNSUPPORTED: 405,
      TOOMANYREQUESTS: 429,
    });
    for (const [code, d] of Object.entries(OCI_ERRORS)) expect(d.message.length, code).toBeGreaterThan(5);
  });
});
