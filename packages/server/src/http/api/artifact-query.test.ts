import { describe, expect, it } from 'vitest';
import { HarborError } from '../error-handler.js';
import { booleanParam, parseQuery, parseSort, requireKeys, valueMatchOf } from './artifact-query.js';

describe('parseQuery', () => {
  it("reads Harbor's term kinds", () => {
    expect(parseQuery('name=app,tags=~v1,size=[10~20],digest={a "b c"},labels=(1 2),from=[~5]')).toEqual([
      { key: 'name', kind: 'exact', value: 'app' },
      { key: 'tags', kind: 'fuzzy', value: 'v1' },
      { key: 'size', kind: 'range', min: '10', max: '20' },
      { key: 'digest', kind: 'any', values: ['a', 'b c'] },
      { key: 'labels', kind: 'all', values: ['1', '2'] },
      { key: 'from', kind: 'range', max: '5' },
    ]);
  });

  it('keeps = inside values and ignores empty terms', () => {
    expect(parseQuery(',media_type=a=b,')).toEqual([{ key: 'media_type', kind: 'exact', value: 'a=b' }]);
    expect(parseQuery(undefined)).toEqual([]);
    expect(parseQuery('')).toEqual([]);
  });

  it('rejects terms without a key or =, repeated keys and malformed ranges', () => {
    for (const q of ['novalue', '=x', 'a=1,a=2', 'r=[1~2~3]']) expect(() => parseQuery(q)).toThrow(HarborError);
  });
});

describe('valueMatchOf and requireKeys', () => {
  it('turns exact, fuzzy and any-of terms into value filters, and refuses the others', () => {
    const [exact, fuzzy, any, range, all] = parseQuery('a=x,b=~y,c={p q},d=[1~2],e=(1 2)');
    expect(valueMatchOf(exact!)).toEqual({ anyOf: ['x'] });
    expect(valueMatchOf(fuzzy!)).toEqual({ contains: 'y' });
    expect(valueMatchOf(any!)).toEqual({ anyOf: ['p', 'q'] });
    expect(() => valueMatchOf(range!)).toThrow(HarborError);
    expect(() => valueMatchOf(all!)).toThrow(HarborError);
  });

  it('refuses keys that are not supported', () => {
    expect(() => requireKeys(parseQuery('name=a'), ['name'])).not.toThrow();
    expect(() => requireKeys(parseQuery('colour=red'), ['name'])).toThrow(/unsupported query key "colour"/);
  });
});

describe('parseSort', () => {
  const fields = { name: 'name', creation_time: 'createdAt' } as const;
  it('maps fields and directions in order', () => {
    expect(parseSort('-creation_time, name', fields)).toEqual([
      { by: 'createdAt', direction: 'desc' },
      { by: 'name', direction: 'asc' },
    ]);
    expect(parseSort(undefined, fields)).toEqual([]);
  });

  it('refuses unknown fields, including inherited property names', () => {
    expect(() => parseSort('size', fields)).toThrow(HarborError);
    expect(() => parseSort('toString', fields)).toThrow(HarborError);
  });
});

describe('booleanParam', () => {
  it('reads true and false, falls back when absent, refuses anything else', () => {
    expect(booleanParam({ a: 'true' }, 'a', false)).toBe(true);
    expect(booleanParam({ a: 'false' }, 'a', true)).toBe(false);
    expect(booleanParam({}, 'a', true)).toBe(true);
    expect(() => booleanParam({ a: '1' }, 'a', true)).toThrow(HarborError);
  });
});
