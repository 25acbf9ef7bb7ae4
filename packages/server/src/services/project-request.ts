import { InvalidError } from '../domain/errors.js';
import { METADATA_KEYS, PROXY_CACHE_METADATA, normalizeMetadata } from '../domain/projects/project-rules.js';

export interface RequestedMetadata {
  /** From `metadata.public`, else the deprecated top-level `public`; undefined when neither is given. */
  readonly public?: boolean;
  /** The other known keys, normalised ("true"/"false", lower-case severity). */
  readonly metadata: Readonly<Record<string, string>>;
}

function invalid(message: string): InvalidError {
  return new InvalidError('field', message);
}

/**
 * What a ProjectReq body (POST and PUT /projects) asks for. As in Harbor: keys that only matter to proxy-cache
 * projects are ignored, as are keys ProjectMetadata does not define; a null value is no value; `retention_id`
 * belongs to the retention API and may only be empty here. Known keys must carry valid values.
 */
export function requestedMetadata(request: Readonly<Record<string, unknown>>): RequestedMetadata {
  checkCveAllowlist(request.cve_allowlist);
  const raw = request.metadata;
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw invalid('metadata must be an object of strings');
  }
  let isPublic: boolean | undefined;
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    if (value === null || value === undefined || PROXY_CACHE_METADATA.includes(key)) continue;
    if (key === 'retention_id') {
      if (value === '') continue;
      throw invalid('metadata retention_id cannot be set here: tag retention policies are managed on their own');
    }
    if (!METADATA_KEYS.includes(key)) continue;
    const normalized = normalizeMetadata(key, value);
    if (!normalized.ok) throw invalid(normalized.reason);
    if (key === 'public') isPublic = normalized.value === 'true';
    else metadata[key] = normalized.value;
  }
  if (isPublic === undefined && request.public !== undefined && request.public !== null) {
    if (typeof request.public !== 'boolean') throw invalid('public must be true or false');
    isPublic = request.public;
  }
  return { ...(isPublic !== undefined && { public: isPublic }), metadata };
}

/** Wharf keeps no CVE allowlists yet: an empty one is accepted (and means what it says), a non-empty one refused. */
function checkCveAllowlist(allowlist: unknown): void {
  if (allowlist === undefined || allowlist === null) return;
  if (typeof allowlist !== 'object' || Array.isArray(allowlist)) throw invalid('cve_allowlist must be an object');
  const items = (allowlist as { items?: unknown }).items;
  if (items === undefined || items === null || (Array.isArray(items) && items.length === 0)) return;
  throw invalid('CVE allowlists are not supported yet: cve_allowlist.items must be empty');
}
