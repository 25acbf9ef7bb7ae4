import { createHash, type Hash } from 'node:crypto';

/** Digest algorithms Wharf accepts, with the length of their hex encoding. */
export const DIGEST_ALGORITHMS = { sha256: 64, sha512: 128 } as const;
export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;

/** A validated content digest such as `sha256:<64 hex>`. */
export interface Digest {
  readonly algorithm: DigestAlgorithm;
  readonly hex: string;
  readonly value: string;
}

/** The OCI digest grammar: algorithm ":" encoded. */
const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export type DigestParseResult =
  { ok: true; digest: Digest } | { ok: false; reason: 'malformed' | 'unsupported-algorithm' | 'bad-length' };

export function parseDigest(text: string): DigestParseResult {
  if (!DIGEST_GRAMMAR.test(text)) return { ok: false, reason: 'malformed' };
  const colon = text.indexOf(':');
  const algorithm = text.slice(0, colon);
  const hex = text.slice(colon + 1);
  if (!(algorithm in DIGEST_ALGORITHMS)) return { ok: false, reason: 'unsupported-algorithm' };
  const alg = algorithm as DigestAlgorithm;
  if (hex.length !== DIGEST_ALGORITHMS[alg] || !/^[a-f0-9]+$/.test(hex)) return { ok: false, reason: 'bad-length' };
  return { ok: true, digest: { algorithm: alg, hex, value: text } };
}

export function isDigest(text: string): boolean {
  return parseDigest(text).ok;
}

export function newHash(algorithm: DigestAlgorithm): Hash {
  return createHash(algorithm);
}

export function digestOf(content: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(content).digest('hex')}`;
}
