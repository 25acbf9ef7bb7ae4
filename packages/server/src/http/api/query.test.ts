import { describe, expect, it } from 'vitest';
import { HarborError } from '../error-handler.js';
import { expectKeys, parseQuery, parseSort } from './query.js';

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

  it('keeps commas inside lists, allows empty and `=`-containing values, and lets a later term win', () => {
    expect(Object.fromEntries(parseQuery('a={x,y z},b=,c=k=v,a=~w'))).toEqual({
      a: { kind: 'fuzzy', value: 'w' },
      b: { kind: 'exact', value: '' },
      c: { kind: 'exact', value: 'k=v' },
    });
    expect(parseQuery(undefined).size).toBe(0);
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
});

describe("Harbor's sort parameter", () => {
  it('parses keys in order, descending with a leading minus', () => {
    expect(parseSort('-creation_time, name')).toEqual([
      { key: 'creation_time', descending: true },
      { key: 'name', descending: false },
    ]);
    expect(parseSort(undefined)).toEqual([]);
    expect(() => parseSort('-')).toThrow(HarborError);
  });
});
