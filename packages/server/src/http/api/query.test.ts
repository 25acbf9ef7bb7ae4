import { describe, expect, it } from 'vitest';
import { HarborError } from '../error-handler.js';
import {
  booleanParam,
  exactValueOf,
  expectKeys,
  parseQuery,
  parseSingleSort,
  parseSort,
  textMatchOf,
  valueMatchOf,
} from './query.js';

describe("Harbor's q parameter", () => {
  it('parses exact, fuzzy, range, or-list and and-list values', () => {
    const terms = parseQuery('name=web,repo=~ngi,size=[10~100],id={1 2  3},tags=(a b),from=[~5],to=[7~]');
    expect(Object.fromEntries(terms)).toEqual({
      name: { kind: 'exact', value: 'web' },
      repo: { kind: 'fuzzy', value: 'ngi' },
      size: { kind: 'range', min: '10', max: '100' },
      id: { kind: 'or', values: ['1', '2', '3'] },
      tags: { kind: 'and', values: ['a', 'b'] },
      from: { kind: 'range', max: '5' },
      to: { kind: 'range', min: '7' },
    });
  });

  it('reads quoted members of lists and ranges', () => {
    expect(Object.fromEntries(parseQuery(`digest={a "b c" 'd'},when=["x y"~]`))).toEqual({
      digest: { kind: 'or', values: ['a', 'b c', 'd'] },
      when: { kind: 'range', min: 'x y' },
    });
  });

  it('keeps commas inside lists, allows empty and `=`-containing values, and lets a later term win', () => {
    expect(Object.fromEntries(parseQuery('a={x,y z},b=,c=k=v,a=~w'))).toEqual({
      a: { kind: 'fuzzy', value: 'w' },
      b: { kind: 'exact', value: '' },
      c: { kind: 'exact', value: 'k=v' },
    });
    expect(Object.fromEntries(parseQuery(',media_type=a=b,'))).toEqual({ media_type: { kind: 'exact', value: 'a=b' } });
    expect(parseQuery(undefined).size).toBe(0);
    expect(parseQuery('').size).toBe(0);
    expect(parseQuery(' , ').size).toBe(0);
  });

  it('refuses terms without a key and malformed ranges', () => {
    for (const q of ['name', '=x', 'size=[1~2~3]', 'size=[~]', 'size=[12]']) {
      expect(() => parseQuery(q), q).toThrow(HarborError);
    }
  });

  it('refuses keys an endpoint does not support, naming the supported ones', () => {
    expect(() => expectKeys(parseQuery('name=a'), ['name'])).not.toThrow();
    expect(() => expectKeys(parseQuery('nope=a'), ['name', 'public'])).toThrow(
      'unsupported query key "nope"; supported: name, public',
    );
  });

  it('turns exact, fuzzy and or-list values into value filters, and refuses ranges and and-lists', () => {
    const terms = parseQuery('a=x,b=~y,c={p q},d=[1~2],e=(1 2)');
    const match = (key: string) => valueMatchOf(key, terms.get(key)!);
    expect(match('a')).toEqual({ anyOf: ['x'] });
    expect(match('b')).toEqual({ contains: 'y' });
    expect(match('c')).toEqual({ anyOf: ['p', 'q'] });
    expect(() => match('d')).toThrow(HarborError);
    expect(() => match('e')).toThrow('q supports e=value, e=~value and e={a b}');
  });
});

describe("Harbor's sort parameter", () => {
  const fields = { name: 'name', creation_time: 'createdAt' } as const;

  it('maps keys in order, descending with a leading minus', () => {
    expect(parseSort('-creation_time, name', fields)).toEqual([
      { by: 'createdAt', direction: 'desc' },
      { by: 'name', direction: 'asc' },
    ]);
    expect(parseSort(undefined, fields)).toEqual([]);
  });

  it('refuses empty and unknown keys, including inherited property names', () => {
    for (const sort of ['-', 'size', 'toString', '-__proto__']) {
      expect(() => parseSort(sort, fields), sort).toThrow(HarborError);
    }
    expect(() => parseSort('size', fields)).toThrow('unsupported sort key "size"; supported: name, creation_time');
  });
});

describe('boolean query parameters', () => {
  it('read true/false and 1/0, fall back when absent or empty, refuse anything else', () => {
    expect(booleanParam('a', 'true', false)).toBe(true);
    expect(booleanParam('a', '1', false)).toBe(true);
    expect(booleanParam('a', 'false', true)).toBe(false);
    expect(booleanParam('a', '0', true)).toBe(false);
    expect(booleanParam('a', undefined, true)).toBe(true);
    expect(booleanParam('a', '', false)).toBe(false);
    expect(booleanParam('a', undefined)).toBeUndefined();
    expect(() => booleanParam('a', 'maybe', true)).toThrow('a must be true or false');
  });
});

describe('text filters, exact values and single sort keys', () => {
  it('turn exact and fuzzy values into text matches and refuse lists and ranges', () => {
    const terms = parseQuery('username=ali,email=~corp,id={1 2},size=[1~2]');
    expect(textMatchOf('username', terms.get('username')!)).toEqual({ value: 'ali', exact: true });
    expect(textMatchOf('email', terms.get('email')!)).toEqual({ value: 'corp', exact: false });
    expect(() => textMatchOf('id', terms.get('id')!)).toThrow('q supports id=value and id=~value');
    expect(() => textMatchOf('size', terms.get('size')!)).toThrow(HarborError);
    expect(exactValueOf('username', terms.get('username')!)).toBe('ali');
    expect(() => exactValueOf('email', terms.get('email')!)).toThrow('q supports only exact values of email');
  });

  it('take at most one sort key', () => {
    const fields = { name: 'name', creation_time: 'createdAt' } as const;
    expect(parseSingleSort('-creation_time', fields)).toEqual({ by: 'createdAt', direction: 'desc' });
    expect(parseSingleSort('', fields)).toBeUndefined();
    expect(() => parseSingleSort('name,creation_time', fields)).toThrow('sort supports one key');
  });
});
