import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT_PARAMS,
  PasswordHashFormatError,
  generateSecret,
  hashPassword,
  needsRehash,
  verifyPassword,
  type ScryptParams,
} from './password-hash.js';

const FAST: ScryptParams = { N: 1024, r: 8, p: 1 };

describe('hashPassword / verifyPassword', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const encoded = await hashPassword('Harbor12345', FAST);
    expect(encoded).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    await expect(verifyPassword('Harbor12345', encoded)).resolves.toBe(true);
    await expect(verifyPassword('Harbor12346', encoded)).resolves.toBe(false);
    await expect(verifyPassword('', encoded)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', FAST), hashPassword('same', FAST)]);
    expect(a).not.toBe(b);
    await expect(verifyPassword('same', b)).resolves.toBe(true);
  });

  it('uses the default parameters when none are given', async () => {
    const encoded = await hashPassword('Harbor12345');
    expect(encoded.startsWith(`scrypt$${DEFAULT_SCRYPT_PARAMS.N}$8$1$`)).toBe(true);
    await expect(verifyPassword('Harbor12345', encoded)).resolves.toBe(true);
  });

  it('treats canonically equivalent Unicode spellings as the same password', async () => {
    const encoded = await hashPassword('Caf\u00e9Pass1', FAST);
    await expect(verifyPassword('Cafe\u0301Pass1', encoded)).resolves.toBe(true);
  });

  it.each([
    'plain',
    'bcrypt$1024$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5',
    'scrypt$1000$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5',
    'scrypt$1024$0$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5',
    'scrypt$1024$8$1$c2Fs$a2V5a2V5a2V5a2V5a2V5a2V5',
    'scrypt$1024$8$1$c2FsdHNhbHQ$a2V5+2V5a2V5a2V5a2V5a2V5',
  ])('rejects the malformed hash %s', async (encoded) => {
    await expect(verifyPassword('x', encoded)).rejects.toBeInstanceOf(PasswordHashFormatError);
  });
});

describe('needsRehash', () => {
  it('is false for the current parameters and true when they change', async () => {
    const encoded = await hashPassword('Harbor12345', FAST);
    expect(needsRehash(encoded, FAST)).toBe(false);
    expect(needsRehash(encoded, { ...FAST, N: 2048 })).toBe(true);
    expect(needsRehash(encoded, { ...FAST, p: 2 })).toBe(true);
    expect(needsRehash(encoded)).toBe(true);
  });
});

describe('generateSecret', () => {
  it('returns 32 random bytes, URL-safe, different every time', () => {
    const a = generateSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(new Set(Array.from({ length: 50 }, generateSecret)).size).toBe(50);
  });

  it('hashes and verifies like a password', async () => {
    const secret = generateSecret();
    const encoded = await hashPassword(secret, FAST);
    await expect(verifyPassword(secret, encoded)).resolves.toBe(true);
    await expect(verifyPassword(generateSecret(), encoded)).resolves.toBe(false);
  });
});
