/**
 * The token service's signing key: an RSA-2048 (RS256) or EC P-256 (ES256) key pair, generated on first start
 * and kept as PEM files in a directory, so tokens stay valid across restarts.
 *
 * Files: `token-key.pem` (PKCS#8 private key) and `token-key.pub.pem` (SPKI public key), both mode 0600, each
 * written to a temporary file and linked into place, so a crash never leaves a half-written key and two
 * processes starting at once agree on one key (the first link wins; the other loads it).
 *
 * The `kid` is the libtrust key id distribution matches tokens against: SHA-256 of the DER
 * SubjectPublicKeyInfo, truncated to 240 bits, base32 (RFC 4648), in 12 groups of 4 separated by ':'.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdirPrivate, writePrivateFileExclusive } from '../../lib/private-files.js';

export type TokenAlgorithm = 'RS256' | 'ES256';

/** A public JWK naming its key id, algorithm and use, for verifiers that match by `kid`. */
export type TokenJwk = JsonWebKey & { kid: string; alg: TokenAlgorithm; use: 'sig' };

export interface TokenKeys {
  readonly algorithm: TokenAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly kid: string;
  readonly jwk: TokenJwk;
}

export const PRIVATE_KEY_FILE = 'token-key.pem';
export const PUBLIC_KEY_FILE = 'token-key.pub.pem';

export class TokenKeyError extends Error {}

export function generateTokenKeys(algorithm: TokenAlgorithm = 'RS256'): TokenKeys {
  const { privateKey } =
    algorithm === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return tokenKeysFromPrivateKey(privateKey);
}

/** Wraps an existing private key; the algorithm follows from the key type (RSA → RS256, P-256 → ES256). */
export function tokenKeysFromPrivateKey(privateKey: KeyObject): TokenKeys {
  const algorithm = algorithmOf(privateKey);
  const publicKey = createPublicKey(privateKey);
  const kid = libtrustKeyId(publicKey);
  const jwk: TokenJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: algorithm, use: 'sig' };
  return { algorithm, privateKey, publicKey, kid, jwk };
}

/** distribution/libtrust's key id of a public key. */
export function libtrustKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const digest = createHash('sha256').update(der).digest().subarray(0, 30);
  return base32(digest).match(/.{4}/g)!.join(':');
}

/**
 * Loads the key pair from `dir`, generating and persisting one first if there is none. When `algorithm` is
 * given and the stored key is of the other kind, refuses rather than silently switching.
 */
export async function loadOrCreateTokenKeys(
  dir: string,
  algorithm?: TokenAlgorithm,
): Promise<TokenKeys & { created: boolean }> {
  const existing = await loadTokenKeys(dir);
  if (existing !== undefined) return { ...checkAlgorithm(existing, dir, algorithm), created: false };
  await mkdirPrivate(dir);
  const keys = generateTokenKeys(algorithm);
  const privatePem = keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const won = await writePrivateFileExclusive(join(dir, PRIVATE_KEY_FILE), privatePem);
  if (!won) {
    const winner = await loadTokenKeys(dir);
    if (winner === undefined) throw new TokenKeyError(`token key in ${dir} disappeared while starting`);
    return { ...checkAlgorithm(winner, dir, algorithm), created: false };
  }
  await writePrivateFileExclusive(
    join(dir, PUBLIC_KEY_FILE),
    keys.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  );
  return { ...keys, created: true };
}

/** The stored key pair, or undefined when `dir` holds none. */
export async function loadTokenKeys(dir: string): Promise<TokenKeys | undefined> {
  const path = join(dir, PRIVATE_KEY_FILE);
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return tokenKeysFromPrivateKey(createPrivateKey(pem));
  } catch (error) {
    throw new TokenKeyError(`cannot use the token key in ${path}: ${(error as Error).message}`);
  }
}

function checkAlgorithm(keys: TokenKeys, dir: string, wanted: TokenAlgorithm | undefined): TokenKeys {
  if (wanted !== undefined && keys.algorithm !== wanted) {
    throw new TokenKeyError(
      `the token key in ${dir} is for ${keys.algorithm} but ${wanted} is configured; ` +
        `remove ${PRIVATE_KEY_FILE} and ${PUBLIC_KEY_FILE} to generate a new key (issued tokens become invalid)`,
    );
  }
  return keys;
}

function algorithmOf(key: KeyObject): TokenAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new TokenKeyError(`unsupported token key type ${key.asymmetricKeyType ?? 'unknown'} (need RSA or EC P-256)`);
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}
