import { describe, expect, it } from 'vitest';
import { initialLanguage } from './language';

describe('initialLanguage', () => {
  it('keeps the remembered choice', () => {
    expect(initialLanguage('zh-CN', ['en-US'])).toBe('zh-CN');
    expect(initialLanguage('en', ['zh-CN'])).toBe('en');
  });

  it('follows the first preferred language the portal has on a first visit', () => {
    expect(initialLanguage(null, ['zh-CN', 'en'])).toBe('zh-CN');
    expect(initialLanguage(null, ['zh-TW'])).toBe('zh-CN');
    expect(initialLanguage(null, ['fr-FR', 'zh', 'en'])).toBe('zh-CN');
    expect(initialLanguage(null, ['de', 'en-GB', 'zh'])).toBe('en');
  });

  it('falls back to English, and ignores a stored value it does not know', () => {
    expect(initialLanguage(null, [])).toBe('en');
    expect(initialLanguage('fr', ['ja'])).toBe('en');
  });
});
