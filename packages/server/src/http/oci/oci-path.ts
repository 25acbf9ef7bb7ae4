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

const PATTERNS: readonly [RegExp, (m: string[]) => OciRoute][] = [
  [/^$/, () => ({ kind: 'base' })],
  [/^_catalog$/, () => ({ kind: 'catalog' })],
  [/^(.+)\/tags\/list$/, (m) => ({ kind: 'tags', name: m[1]! })],
  [/^(.+)\/manifests\/([^/]+)$/, (m) => ({ kind: 'manifest', name: m[1]!, reference: m[2]! })],
  [/^(.+)\/blobs\/uploads\/?$/, (m) => ({ kind: 'uploads', name: m[1]! })],
  [/^(.+)\/blobs\/uploads\/([^/]+)$/, (m) => ({ kind: 'upload', name: m[1]!, id: m[2]! })],
  [/^(.+)\/blobs\/([^/]+)$/, (m) => ({ kind: 'blob', name: m[1]!, digest: m[2]! })],
  [/^(.+)\/referrers\/([^/]+)$/, (m) => ({ kind: 'referrers', name: m[1]!, digest: m[2]! })],
];

/** Parses the part of the path after `/v2/` (query string removed). */
export function parseOciPath(rest: string): OciRoute {
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(rest);
    if (!match) continue;
    try {
      return build(match.map((part) => decodeURIComponent(part)));
    } catch {
      throw new RegistryError('NAME_INVALID', 'malformed percent-encoding in URL');
    }
  }
  throw new RegistryError('UNSUPPORTED', `no /v2 endpoint at /v2/${rest}`, undefined, 404);
}
