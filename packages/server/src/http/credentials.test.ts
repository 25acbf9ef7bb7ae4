import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { credentialsOf, sentCsrfToken, isExemptFromReadOnly, isWriteMethod } from './credentials.js';

const request = (headers: Record<string, string | string[]>) => ({ headers }) as unknown as FastifyRequest;
const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('credentialsOf', () => {
  it('reads Basic and Bearer credentials, and nothing else', () => {
    expect(credentialsOf(request({}))).toEqual({ kind: 'none' });
    expect(credentialsOf(request({ authorization: basic('alice:pa:ss') }))).toEqual({
      kind: 'basic',
      username: 'alice',
      password: 'pa:ss',
    });
    expect(credentialsOf(request({ authorization: 'bearer abc.def.ghi ' }))).toEqual({
      kind: 'bearer',
      token: 'abc.def.ghi',
    });
    for (const header of ['Digest x', basic('no-colon'), 'Basic !!', 'Bearer', 'Bearer a b']) {
      expect(credentialsOf(request({ authorization: header })), header).toEqual({ kind: 'malformed' });
    }
  });

  it("reads Harbor's CSRF header", () => {
    expect(sentCsrfToken(request({ 'x-harbor-csrf-token': 't' }))).toBe('t');
    expect(sentCsrfToken(request({}))).toBeUndefined();
  });
});

describe('which requests read-only mode refuses', () => {
  it('refuses every method that changes state (an unknown one counts as a write)', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'PROPFIND']) expect(isWriteMethod(method)).toBe(true);
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(isWriteMethod(method)).toBe(false);
  });

  it('spares changing the configurations and logging in and out', () => {
    expect(isExemptFromReadOnly('PUT', '/api/v2.0/configurations')).toBe(true);
    expect(isExemptFromReadOnly('PUT', '/api/v2.0/configurations/')).toBe(true);
    expect(isExemptFromReadOnly('POST', '/c/login')).toBe(true);
    expect(isExemptFromReadOnly('POST', '/c/logout')).toBe(true);
    expect(isExemptFromReadOnly('POST', '/api/v2.0/configurations')).toBe(false);
    expect(isExemptFromReadOnly('POST', '/api/v2.0/users')).toBe(false);
    expect(isExemptFromReadOnly('PUT', '/v2/library/app/manifests/latest')).toBe(false);
  });
});
