import { parseDigest, type Digest } from '../lib/digest.js';
import { isValidRepositoryName, isValidTag } from '../lib/reference.js';
import { InvalidError } from '../domain/errors.js';

/** Validates a repository name, throwing the domain error the edge turns into NAME_INVALID. */
export function requireName(name: string): string {
  if (!isValidRepositoryName(name)) {
    throw new InvalidError('name', `invalid repository name "${name}"`, { name });
  }
  return name;
}

export function requireDigest(text: string): Digest {
  const parsed = parseDigest(text);
  if (!parsed.ok) {
    const why =
      parsed.reason === 'unsupported-algorithm'
        ? 'unsupported digest algorithm (sha256 and sha512 are)'
        : parsed.reason;
    throw new InvalidError('digest', `invalid digest "${text}": ${why}`, { digest: text });
  }
  return parsed.digest;
}

export type ManifestReference = { kind: 'tag'; tag: string } | { kind: 'digest'; digest: Digest };

/** A manifest reference is a digest when it contains ':', a tag otherwise. */
export function parseReference(reference: string): ManifestReference {
  if (reference.includes(':')) return { kind: 'digest', digest: requireDigest(reference) };
  if (!isValidTag(reference)) throw new InvalidError('reference', `invalid tag "${reference}"`, { tag: reference });
  return { kind: 'tag', tag: reference };
}
