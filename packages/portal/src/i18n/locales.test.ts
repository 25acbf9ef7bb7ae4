import { describe, expect, it } from 'vitest';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const english = flatten(en);
const chinese = flatten(zhCN);
const variables = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('the locales', () => {
  it('have exactly the same keys', () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('have no empty text', () => {
    for (const [locale, texts] of [
      ['en', english],
      ['zh-CN', chinese],
    ] as const) {
      for (const [key, text] of texts) expect(text.trim(), `${locale} ${key}`).not.toBe('');
    }
  });

  it('use the same interpolation variables in both languages', () => {
    for (const [key, text] of english) expect(variables(chinese.get(key) ?? ''), key).toEqual(variables(text));
  });

  it('translate: a Chinese text equals its English one only for names (Wharf, Docker, …)', () => {
    const same = [...english].filter(([key, text]) => chinese.get(key) === text).map(([key]) => key);
    expect(same.sort()).toEqual(['app.name', 'push.docker', 'push.podman', 'push.skopeo']);
  });

  it('use no plural suffixes, which differ between the languages', () => {
    expect([...english.keys()].filter((key) => /_(zero|one|two|few|many|other)$/.test(key))).toEqual([]);
  });
});
