import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  generateSecretKey,
  isSealed,
  parseSecretKey,
  SecretBox,
  SecretBoxError,
  sealedKeyId,
  secretKeyId,
} from './secret-box.js';
import { loadSecretBox, prependSecretKey, pruneSecretKeyFile } from './secret-key-file.js';

describe('SecretBox', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it('seals with a fresh IV and the key id, and opens for the same context', () => {
    const box = new SecretBox(k1);
    const a = box.seal('Bearer t0ken', 'ctx');
    const b = box.seal('Bearer t0ken', 'ctx');
    expect(a).not.toBe(b);
    expect(a.startsWith(`enc:v1:${secretKeyId(k1)}:`)).toBe(true);
    expect(isSealed(a)).toBe(true);
    expect(sealedKeyId(a)).toBe(box.currentKid);
    expect(a).not.toContain('t0ken');
    expect(box.open(a, 'ctx')).toBe('Bearer t0ken');
    expect(box.open(box.seal('', 'ctx'), 'ctx')).toBe('');
  });

  it('detects tampering with any byte, and a value moved to another context', () => {
    const box = new SecretBox(k1);
    const sealed = box.seal('secret value', 'ctx');
    const prefix = sealed.slice(0, sealed.lastIndexOf(':') + 1);
    const body = Buffer.from(sealed.slice(prefix.length), 'base64url');
    for (const at of [0, 12, body.length - 1]) {
      const changed = Buffer.from(body);
      changed[at] = changed[at]! ^ 1;
      expect(() => box.open(prefix + changed.toString('base64url'), 'ctx')).toThrow(/integrity check/);
    }
    expect(() => box.open(prefix + body.subarray(0, 20).toString('base64url'), 'ctx')).toThrow(SecretBoxError);
    expect(() => box.open(sealed, 'other')).toThrow(/integrity check/);
    expect(() => box.open('clear text', 'ctx')).toThrow(/not encrypted/);
  });

  it('refuses a value of a key it does not have, naming the key id; a key claiming another id fails', () => {
    const sealed = new SecretBox(k1).seal('x', 'ctx');
    expect(() => new SecretBox(k2).open(sealed, 'ctx')).toThrow(new RegExp(`secret key ${secretKeyId(k1)}`));
    // Same key id, other key: the tag does not verify.
    const forged = sealed.replace(secretKeyId(k1), secretKeyId(k2));
    expect(() => new SecretBox(k2).open(forged, 'ctx')).toThrow(/integrity check/);
  });

  it('a ring opens with previous keys, seals with the current one, and reseals', () => {
    const old = new SecretBox(k1).seal('v', 'ctx');
    const ring = new SecretBox(k2, [k1]);
    expect(ring.kids).toEqual([secretKeyId(k2), secretKeyId(k1)]);
    expect(ring.open(old, 'ctx')).toBe('v');
    expect(sealedKeyId(ring.seal('v', 'ctx'))).toBe(secretKeyId(k2));
    const resealed = ring.reseal(old, 'ctx');
    expect(sealedKeyId(resealed)).toBe(secretKeyId(k2));
    expect(ring.reseal(resealed, 'ctx')).toBe(resealed);
    expect(new SecretBox(k2).open(resealed, 'ctx')).toBe('v');
  });

  it('parses base64 keys of 32 bytes only, with a clear error', () => {
    expect(parseSecretKey(generateSecretKey(), 'k')).toHaveLength(32);
    expect(parseSecretKey(k1.toString('base64url'), 'k').equals(k1)).toBe(true);
    expect(() => parseSecretKey(randomBytes(16).toString('base64'), 'secrets.key')).toThrow(
      /secrets.key must be 32 bytes/,
    );
    expect(() => parseSecretKey('not base64!', 'secrets.key')).toThrow(/not base64/);
  });
});

describe('secret key files', () => {
  it('generates <data.dir>/secret.key once (0600), then reads it; rotation prepends; pruning keeps the used', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wharf-secret-'));
    try {
      const file = join(dir, 'sub', 'secret.key');
      const first = await loadSecretBox({ defaultFile: file });
      expect(first.origin).toBe('generated');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const again = await loadSecretBox({ defaultFile: file });
      expect(again.origin).toBe('file');
      expect(again.box.currentKid).toBe(first.box.currentKid);

      await prependSecretKey(file);
      const rotated = await loadSecretBox({ defaultFile: file });
      expect(rotated.box.kids).toHaveLength(2);
      expect(rotated.box.kids[1]).toBe(first.box.currentKid);
      expect(rotated.box.open(first.box.seal('v', 'c'), 'c')).toBe('v');
      expect((await stat(file)).mode & 0o777).toBe(0o600);

      expect(await pruneSecretKeyFile(file, () => true)).toBe(0);
      expect(await pruneSecretKeyFile(file, () => false)).toBe(1);
      const pruned = await loadSecretBox({ defaultFile: file });
      expect(pruned.box.kids).toEqual([rotated.box.currentKid]);
      expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('configured keys win over the file, with previous keys; a bad key file is a clear error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wharf-secret-'));
    try {
      const key = generateSecretKey();
      const previous = generateSecretKey();
      const loaded = await loadSecretBox({ key, previousKeys: [previous], defaultFile: join(dir, 'secret.key') });
      expect(loaded.origin).toBe('configured');
      expect(loaded.box.kids).toEqual([
        secretKeyId(parseSecretKey(key, 'k')),
        secretKeyId(parseSecretKey(previous, 'k')),
      ]);
      await expect(stat(join(dir, 'secret.key'))).rejects.toThrow();
      const bad = join(dir, 'bad.key');
      await writeFile(bad, '# only a comment\n');
      await expect(loadSecretBox({ keyFile: bad, defaultFile: '' })).rejects.toThrow(/holds no key/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
