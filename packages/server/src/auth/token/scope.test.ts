import { describe, expect, it } from 'vitest';
import { ScopeParseError, formatChallenge, formatScope, parseScope, parseScopes, scopesForRequest } from './scope.js';

describe('parseScope', () => {
  it.each([
    ['repository:library/busybox:pull,push', 'repository', 'library/busybox', ['pull', 'push']],
    ['repository:host:5000/foo/bar:pull', 'repository', 'host:5000/foo/bar', ['pull']],
    ['registry:catalog:*', 'registry', 'catalog', ['*']],
    ['repository(plugin):vieux/sshfs:pull', 'repository(plugin)', 'vieux/sshfs', ['pull']],
    ['repository:a:pull,pull,delete', 'repository', 'a', ['pull', 'delete']],
  ])('parses %s', (text, type, name, actions) => {
    expect(parseScope(text)).toEqual({ type, name, actions });
  });

  it.each([
    ['repository', 'expected type:name:actions'],
    ['repository:foo', 'expected type:name:actions'],
    [':foo:pull', 'bad resource type ""'],
    ['Repository:foo:pull', 'bad resource type "Repository"'],
    ['repository::pull', 'empty or malformed resource name'],
    ['repository:fo"o:pull', 'empty or malformed resource name'],
    ['repository:foo:', 'no actions'],
    ['repository:foo:pull,', 'bad action ""'],
    ['repository:foo:PULL', 'bad action "PULL"'],
  ])('rejects %s (%s)', (text, reason) => {
    expect(() => parseScope(text)).toThrow(new ScopeParseError(text, reason));
    expect(() => parseScope(text)).toThrow(`invalid scope ${JSON.stringify(text)}: ${reason}`);
  });
});

describe('parseScopes', () => {
  it('accepts repeated parameters and space-separated scopes', () => {
    expect(
      parseScopes(['repository:a/b:pull', 'repository:c:pull,push  registry:catalog:*', '']).map(formatScope),
    ).toEqual(['repository:a/b:pull', 'repository:c:pull,push', 'registry:catalog:*']);
  });
  it('accepts a single string or nothing', () => {
    expect(parseScopes('repository:x:pull')).toEqual([{ type: 'repository', name: 'x', actions: ['pull'] }]);
    expect(parseScopes(undefined)).toEqual([]);
  });
  it('rejects the whole request when one scope is malformed', () => {
    expect(() => parseScopes(['repository:a:pull', 'bogus'])).toThrow(ScopeParseError);
  });
});

describe('formatChallenge', () => {
  const realm = 'https://wharf.example/service/token';
  it('formats realm, service and scope exactly', () => {
    expect(
      formatChallenge({
        realm,
        service: 'wharf-registry',
        scopes: [{ type: 'repository', name: 'library/busybox', actions: ['pull', 'push'] }],
      }),
    ).toBe(
      'Bearer realm="https://wharf.example/service/token",service="wharf-registry",scope="repository:library/busybox:pull,push"',
    );
  });
  it('joins several scopes with a space and omits an empty scope list', () => {
    expect(formatChallenge({ realm, service: 's', scopes: parseScopes('repository:a:pull repository:b:delete') })).toBe(
      `Bearer realm="${realm}",service="s",scope="repository:a:pull repository:b:delete"`,
    );
    expect(formatChallenge({ realm, service: 's' })).toBe(`Bearer realm="${realm}",service="s"`);
  });
  it('adds an error and escapes quotes', () => {
    expect(formatChallenge({ realm: 'a"b\\c', service: 's', error: 'insufficient_scope' })).toBe(
      'Bearer realm="a\\"b\\\\c",service="s",error="insufficient_scope"',
    );
  });
});

describe('scopesForRequest', () => {
  const manifest = { kind: 'manifest', name: 'library/busybox', reference: 'latest' } as const;
  it.each([
    ['GET', ['pull']],
    ['HEAD', ['pull']],
    ['PUT', ['pull', 'push']],
    ['POST', ['pull', 'push']],
    ['PATCH', ['pull', 'push']],
    ['DELETE', ['delete']],
    ['delete', ['delete']],
  ])('%s needs %j', (method, actions) => {
    expect(scopesForRequest(method, manifest)).toEqual([{ type: 'repository', name: 'library/busybox', actions }]);
  });
  it('needs no scope for the base endpoint or unknown methods', () => {
    expect(scopesForRequest('GET', { kind: 'base' })).toEqual([]);
    expect(scopesForRequest('OPTIONS', manifest)).toEqual([]);
  });
  it('needs registry:catalog:* for the catalog', () => {
    expect(scopesForRequest('GET', { kind: 'catalog' }).map(formatScope)).toEqual(['registry:catalog:*']);
  });
  it('needs pull on the source repository of a cross-repository mount', () => {
    expect(
      scopesForRequest('POST', { kind: 'uploads', name: 'a/target' }, { from: 'b/source' }).map(formatScope),
    ).toEqual(['repository:a/target:pull,push', 'repository:b/source:pull']);
    expect(scopesForRequest('POST', { kind: 'uploads', name: 'a' }, { from: 'a' }).map(formatScope)).toEqual([
      'repository:a:pull,push',
    ]);
  });
});
