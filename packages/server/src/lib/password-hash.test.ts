import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_SCRYPT_PARAMS,
  PasswordCheckOverloadError,
  PasswordHashFormatError,
  PasswordVerifier,
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

describe('PasswordVerifier', () => {
  /** A check that waits until the test lets it finish, recording how many run at once. */
  function gatedCheck() {
    const gates: (() => void)[] = [];
    const state = { running: 0, most: 0, order: [] as string[] };
    const check = async (password: string, encoded: string) => {
      state.running++;
      state.most = Math.max(state.most, state.running);
      state.order.push(password);
      await new Promise<void>((resolve) => gates.push(resolve));
      state.running--;
      return verifyPassword(password, encoded);
    };
    const openNext = () => gates.shift()?.();
    return { check, state, openNext, pending: () => gates.length };
  }

  it('runs at most maxConcurrent checks, queues maxQueued in order and refuses the rest at once', async () => {
    const encoded = await hashPassword('right', FAST);
    const gated = gatedCheck();
    const verifier = new PasswordVerifier({ maxConcurrent: 2, maxQueued: 2 }, gated.check);
    const results = ['right', 'w1', 'w2', 'w3'].map((password) => verifier.verify(password, encoded));
    await expect(verifier.verify('shed', encoded)).rejects.toBeInstanceOf(PasswordCheckOverloadError);
    expect(verifier.queued).toBe(2);
    await vi.waitFor(() => expect(gated.pending()).toBe(2));
    expect(verifier.verifications).toBe(2);
    while (gated.state.order.length < 4 || gated.pending() > 0) {
      await vi.waitFor(() => expect(gated.pending()).toBeGreaterThan(0));
      gated.openNext();
    }
    expect(await Promise.all(results)).toEqual([true, false, false, false]);
    expect(gated.state).toMatchObject({ most: 2, order: ['right', 'w1', 'w2', 'w3'] });
    expect(verifier.verifications).toBe(4);
    expect(verifier.queued).toBe(0);
    // The slots are free again.
    const again = verifier.verify('right', encoded);
    await vi.waitFor(() => expect(gated.pending()).toBe(1));
    gated.openNext();
    expect(await again).toBe(true);
  });

  it('frees its slot when a check throws', async () => {
    const verifier = new PasswordVerifier({ maxConcurrent: 1, maxQueued: 0 });
    await expect(verifier.verify('x', 'not a hash')).rejects.toBeInstanceOf(PasswordHashFormatError);
    await expect(verifier.verify('x', await hashPassword('x', FAST))).resolves.toBe(true);
  });

  it('refuses limits out of range', () => {
    expect(() => new PasswordVerifier({ maxConcurrent: 0, maxQueued: 1 })).toThrow(RangeError);
    expect(() => new PasswordVerifier({ maxConcurrent: 1, maxQueued: -1 })).toThrow(RangeError);
  });
});
