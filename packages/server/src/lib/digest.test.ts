import { describe, expect, it } from 'vitest';
import { digestOf, parseDigest } from './digest.js';
import { isValidRepositoryName, isValidTag } from './reference.js';

describe('parseDigest', () => {
  it('accepts sha256 and sha512', () => {
    expect(parseDigest(digestOf(Buffer.from('x')))).toMatchObject({ ok: true, digest: { algorithm: 'sha256' } });
    expect(parseDigest(digestOf(Buffer.from('x'), 'sha512'))).toMatchObject({
      ok: true,
      digest: { algorithm: 'sha512' },
    });
  });
  it.each([
    ['sha256:abc', 'bad-length'],
    ['sha256:' + 'A'.repeat(64), 'bad-length'],
    ['sha384:' + 'a'.repeat(96), 'unsupported-algorithm'],
    ['sha256', 'malformed'],
    [':abc', 'malformed'],
    ['SHA256:' + 'a'.repeat(64), 'malformed'],
  ])('rejects %s (%s)', (text, reason) => {
    expect(parseDigest(text)).toEqual({ ok: false, reason });
  });
});

describe('names and tags', () => {
  it.each(['a', 'a/b/c', 'a.b', 'a_b', 'a__b', 'a---b', '0/1'])('name %s is valid', (n) =>
    expect(isValidRepositoryName(n)).toBe(true),
  );
  it.each(['', 'A', 'a/', '/a', 'a//b', 'a___b', 'a.-b', '.a', 'a'.repeat(256)])('name %s is invalid', (n) =>
    expect(isValidRepositoryName(n)).toBe(false),
  );
  it.each(['latest', 'v1.0.0', '_x', 'A-b.c_d', 'a'.repeat(128)])('tag %s is valid', (t) =>
    expect(isValidTag(t)).toBe(true),
  );
  it.each(['', '.x', '-x', 'a'.repeat(129), 'a:b', 'a/b'])('tag %s is invalid', (t) =>
    expect(isValidTag(t)).toBe(false),
  );
});
