import { describe, expect, it } from 'vitest';
import { checkPassword } from './password-policy.js';

describe('checkPassword', () => {
  it.each(['Harbor12345', 'aB3aaaaa', 'Ab1' + 'x'.repeat(125), 'Pässwörd1', 'Aa1 !@#$%'])('accepts %s', (pw) => {
    expect(checkPassword(pw)).toEqual({ ok: true });
  });

  it.each([
    ['Ab1', ['too-short'], 'the password must be at least 8 characters long'],
    ['Ab1' + 'x'.repeat(126), ['too-long'], 'the password must be at most 128 characters long'],
    ['harbor12345', ['no-uppercase'], 'the password must contain an upper-case letter (A-Z)'],
    ['HARBOR12345', ['no-lowercase'], 'the password must contain a lower-case letter (a-z)'],
    ['HarborHarbor', ['no-digit'], 'the password must contain a digit (0-9)'],
    [
      'abc',
      ['too-short', 'no-uppercase', 'no-digit'],
      'the password must be at least 8 characters long, contain an upper-case letter (A-Z) and contain a digit (0-9)',
    ],
    [
      '',
      ['too-short', 'no-uppercase', 'no-lowercase', 'no-digit'],
      'the password must be at least 8 characters long, contain an upper-case letter (A-Z), contain a lower-case letter (a-z) and contain a digit (0-9)',
    ],
  ])('rejects %j', (pw, problems, message) => {
    expect(checkPassword(pw)).toEqual({ ok: false, problems, message });
  });

  it('counts characters, not UTF-16 units or bytes', () => {
    expect(checkPassword('Aa1😀😀😀😀😀')).toEqual({ ok: true });
    expect(checkPassword('Aa1😀😀😀😀')).toMatchObject({ ok: false, problems: ['too-short'] });
    expect(checkPassword('Aa1' + '😀'.repeat(125))).toEqual({ ok: true });
  });
});
