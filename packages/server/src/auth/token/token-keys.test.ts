import { createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  TokenKeyError,
  generateTokenKeys,
  libtrustKeyId,
  loadOrCreateTokenKeys,
  loadTokenKeys,
} from './token-keys.js';

// Expected kid computed independently (Python: base32 of sha256(DER SPKI)[:30], grouped by 4).
const KNOWN_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqq8UYO/Cr+klWQVeccxiQ/Vy6P8r
tJmcScwuUjtv4ds762KMRa00dpkgYUEK6+mgQlalPUsF+1oSr4BgZ7f3BQ==
-----END PUBLIC KEY-----
`;
const KNOWN_KID = 'WFTV:ABHA:SQZ2:5EB5:EGIL:SOCE:B4BV:OYOT:XHP3:U6VB:HWHF:PDGL';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wharf-token-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('libtrustKeyId', () => {
  it('matches the libtrust fingerprint of a known key', () => {
    expect(libtrustKeyId(createPublicKey(KNOWN_PUBLIC_KEY))).toBe(KNOWN_KID);
  });
  it('has 12 groups of 4 base32 characters', () => {
    expect(generateTokenKeys('RS256').kid).toMatch(/^[A-Z2-7]{4}(?::[A-Z2-7]{4}){11}$/);
  });
});

describe('generateTokenKeys', () => {
  it('makes RSA-2048 keys for RS256 and P-256 keys for ES256, with a matching JWK', () => {
    const rsa = generateTokenKeys('RS256');
    expect(rsa.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(rsa.jwk).toMatchObject({ kty: 'RSA', kid: rsa.kid, alg: 'RS256', use: 'sig' });
    expect(rsa.jwk).not.toHaveProperty('d');
    const ec = generateTokenKeys('ES256');
    expect(ec.privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(ec.jwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: ec.kid, alg: 'ES256' });
    expect(ec.jwk).not.toHaveProperty('d');
  });
});

describe('loadOrCreateTokenKeys', () => {
  it('generates keys on first start and loads the same keys later', async () => {
    const first = await loadOrCreateTokenKeys(join(dir, 'keys'), 'ES256');
    expect(first.created).toBe(true);
    const second = await loadOrCreateTokenKeys(join(dir, 'keys'));
    expect(second.created).toBe(false);
    expect(second.kid).toBe(first.kid);
    expect(second.algorithm).toBe('ES256');
    const pub = await readFile(join(dir, 'keys', PUBLIC_KEY_FILE), 'utf8');
    expect(libtrustKeyId(createPublicKey(pub))).toBe(first.kid);
  });

  it('writes the key files with mode 0600 and leaves no temporary files', async () => {
    await loadOrCreateTokenKeys(dir, 'RS256');
    for (const file of [PRIVATE_KEY_FILE, PUBLIC_KEY_FILE]) {
      expect((await stat(join(dir, file))).mode & 0o777).toBe(0o600);
    }
    expect((await readdir(dir)).sort()).toEqual([PRIVATE_KEY_FILE, PUBLIC_KEY_FILE].sort());
    expect(await readFile(join(dir, PRIVATE_KEY_FILE), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('agrees on one key when two starts race', async () => {
    const [a, b] = await Promise.all([loadOrCreateTokenKeys(dir, 'ES256'), loadOrCreateTokenKeys(dir, 'ES256')]);
    expect(a.kid).toBe(b.kid);
    expect((await loadTokenKeys(dir))?.kid).toBe(a.kid);
  });

  it('refuses a stored key of the other algorithm', async () => {
    await loadOrCreateTokenKeys(dir, 'ES256');
    await expect(loadOrCreateTokenKeys(dir, 'RS256')).rejects.toThrow(/is for ES256 but RS256 is configured/);
  });

  it('reports an unusable key file', async () => {
    await writeFile(join(dir, PRIVATE_KEY_FILE), 'not a key');
    await expect(loadTokenKeys(dir)).rejects.toBeInstanceOf(TokenKeyError);
  });

  it('returns undefined from loadTokenKeys when there is no key', async () => {
    await expect(loadTokenKeys(dir)).resolves.toBeUndefined();
  });
});
