import { RegistryError } from './errcode.js';

/** A /v2 URL parsed once into what it addresses; handlers never look at the raw URL again. */
export type OciRoute =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'tags'; name: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; id: string }
  | { kind: 'referrers'; name: string; digest: string };

/** Each endpoint's route template: what metrics and traces name a /v2 request by (never its names or digests). */
export const OCI_ROUTE_TEMPLATES: { readonly [K in OciRoute['kind']]: string } = {
  base: '/v2/',
  catalog: '/v2/_catalog',
  tags: '/v2/{name}/tags/list',
  manifest: '/v2/{name}/manifests/{reference}',
  blob: '/v2/{name}/blobs/{digest}',
  uploads: '/v2/{name}/blobs/uploads/',
  upload: '/v2/{name}/blobs/uploads/{reference}',
  referrers: '/v2/{name}/referrers/{digest}',
};

/** What a captured part of the path is, which decides the error its malformed percent-encoding gets. */
type Part = 'name' | 'reference' | 'digest' | 'id';

const PATTERNS: readonly [RegExp, readonly Part[], (p: string[]) => OciRoute][] = [
  [/^$/, [], () => ({ kind: 'base' })],
  [/^_catalog$/, [], () => ({ kind: 'catalog' })],
  [/^(.+)\/tags\/list$/, ['name'], ([name]) => ({ kind: 'tags', name: name! })],
  [
    /^(.+)\/manifests\/([^/]+)$/,
    ['name', 'reference'],
    ([name, reference]) => ({ kind: 'manifest', name: name!, reference: reference! }),
  ],
  [/^(.+)\/blobs\/uploads\/?$/, ['name'], ([name]) => ({ kind: 'uploads', name: name! })],
  [/^(.+)\/blobs\/uploads\/([^/]+)$/, ['name', 'id'], ([name, id]) => ({ kind: 'upload', name: name!, id: id! })],
  [/^(.+)\/blobs\/([^/]+)$/, ['name', 'digest'], ([name, digest]) => ({ kind: 'blob', name: name!, digest: digest! })],
  [
    /^(.+)\/referrers\/([^/]+)$/,
    ['name', 'digest'],
    ([name, digest]) => ({ kind: 'referrers', name: name!, digest: digest! }),
  ],
];

/**
 * Parses the part of the path after `/v2/` (query string removed, still percent-encoded). Each part is decoded on
 * its own, so malformed percent-encoding gets the error of the part it spoils: NAME_INVALID for the repository
 * name, DIGEST_INVALID for a digest, BLOB_UPLOAD_UNKNOWN for an upload id. A manifest reference that cannot be
 * decoded stays as sent: it contains '%', so it is never a valid tag, and the handlers refuse it as such.
 */
export function parseOciPath(rest: string): OciRoute {
  for (const [pattern, parts, build] of PATTERNS) {
    const match = pattern.exec(rest);
    if (!match) continue;
    return build(match.slice(1).map((raw, i) => decodePart(raw, parts[i]!)));
  }
  throw new RegistryError('UNSUPPORTED', `no /v2 endpoint at /v2/${rest}`, undefined, 404);
}

function decodePart(raw: string, part: Part): string {
  if (!raw.includes('%')) return raw; // nothing to decode (the usual case)
  try {
    return decodeURIComponent(raw);
  } catch {
    switch (part) {
      case 'name':
        throw new RegistryError('NAME_INVALID', 'malformed percent-encoding in the repository name');
      case 'digest':
        throw new RegistryError('DIGEST_INVALID', 'malformed percent-encoding in the digest');
      case 'id':
        throw new RegistryError('BLOB_UPLOAD_UNKNOWN', 'malformed percent-encoding in the upload id');
      case 'reference':
        return raw;
    }
  }
}
