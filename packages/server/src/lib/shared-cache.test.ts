import { describe, expect, it } from 'vitest';
import { SharedCache } from './shared-cache.js';

describe('SharedCache', () => {
  it('shares one load between concurrent callers and reloads once the TTL has passed', async () => {
    let now = 0;
    let loads = 0;
    const cache = new SharedCache<number>(1000, () => now);
    const load = () => Promise.resolve(++loads);
    expect(await Promise.all([cache.get('a', load), cache.get('a', load), cache.get('a', load)])).toEqual([1, 1, 1]);
    now = 999;
    expect(await cache.get('a', load)).toBe(1);
    now = 1000;
    expect(await cache.get('a', load)).toBe(2);
    expect(await cache.get('b', load)).toBe(3);
  });

  it('forgets failed loads and bounds its size', async () => {
    const cache = new SharedCache<string>(1000, () => 0, 2);
    await expect(cache.get('x', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('x', () => Promise.resolve('up'))).toBe('up');
    await cache.get('y', () => Promise.resolve('y'));
    await cache.get('z', () => Promise.resolve('z'));
    expect(await cache.get('x', () => Promise.resolve('reloaded'))).toBe('reloaded');
  });

  it("gives each entry's end of trust: its load's start plus the TTL, the same while it is cached", async () => {
    let now = 5;
    let loads = 0;
    const cache = new SharedCache<number>(1000, () => now);
    const load = () => Promise.resolve(++loads);
    const first = cache.entry('a', load);
    expect(first.until).toBe(1005);
    now = 1004;
    expect(cache.entry('a', load)).toBe(first);
    now = 1005;
    const second = cache.entry('a', load);
    expect(second.until).toBe(2005);
    expect(await second.value).toBe(2);
  });
});
