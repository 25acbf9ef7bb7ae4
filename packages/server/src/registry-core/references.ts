import { parseDigest, type Digest } from '../lib/digest.js';
import { isValidRepositoryName, isValidTag, matchesNameGrammar, MAX_NAME_LENGTH } from '../lib/reference.js';
import { InvalidError } from '../domain/errors.js';

/** Validates a repository name, throwing the domain error the edge turns into NAME_INVALID. */
export function requireName(name: string): string {
  if (!isValidRepositoryName(name)) throw invalidName(name);
  return name;
}

/** The NAME_INVALID error for `name` (quoted and shortened, so a huge or binary name does not flood the reply). */
export function invalidName(name: string): InvalidError {
  const why = matchesNameGrammar(name) ? `longer than ${MAX_NAME_LENGTH} characters` : 'not of the name grammar';
  return new InvalidError('name', `invalid repository name ${quoted(name)}: ${why}`, { name: shortened(name) });
}

/** Text from a request for an error message: JSON-quoted (control characters escaped) and at most 128 characters. */
export function quoted(text: string): string {
  return JSON.stringify(shortened(text));
}

function shortened(text: string): string {
  return text.length > 128 ? `${text.slice(0, 128)}…` : text;
}

export function requireDigest(text: string): Digest {
  const parsed = parseDigest(text);
  if (!parsed.ok) {
    const why =
      parsed.reason === 'unsupported-algorithm'
        ? 'unsupported digest algorithm (sha256 and sha512 are)'
        : parsed.reason;
    throw new InvalidError('digest', `invalid digest ${quoted(text)}: ${why}`, { digest: shortened(text) });
  }
  return parsed.digest;
}

export type ManifestReference = { kind: 'tag'; tag: string } | { kind: 'digest'; digest: Digest };

/** A manifest reference is a digest when it contains ':', a tag otherwise. */
export function parseReference(reference: string): ManifestReference {
  if (reference.includes(':')) return { kind: 'digest', digest: requireDigest(reference) };
  if (!isValidTag(reference)) {
    throw new InvalidError('reference', `invalid tag ${quoted(reference)}`, { tag: shortened(reference) });
  }
  return { kind: 'tag', tag: reference };
}
