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

/** A ProjectReq body (POST and PUT /projects) with its fields' JSON types checked (http/api/project-body.ts). */
export interface ProjectRequest {
  /** `project_name`. */
  readonly name?: string;
  /** Whether `registry_id` (a proxy cache's registry) was given. */
  readonly proxyCache: boolean;
  /** `storage_limit`, an integer. */
  readonly storageLimit?: number;
  /** The deprecated top-level `public`. */
  readonly public?: boolean;
  /** `metadata`, its values as sent. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** `cve_allowlist.items`, when a CVE allowlist was given. */
  readonly cveAllowlistItems?: readonly unknown[];
}

/**
 * What a ProjectReq asks for. As in Harbor: keys that only matter to proxy-cache projects are ignored, as are keys
 * ProjectMetadata does not define; a null value is no value; `retention_id` belongs to the retention API and may
 * only be empty here. Known keys must carry valid values.
 */
export function requestedMetadata(request: ProjectRequest): RequestedMetadata {
  // Wharf keeps no CVE allowlists yet: an empty one is accepted (and means what it says), a non-empty one refused.
  if (request.cveAllowlistItems !== undefined && request.cveAllowlistItems.length > 0) {
    throw invalid('CVE allowlists are not supported yet: cve_allowlist.items must be empty');
  }
  let isPublic: boolean | undefined;
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.metadata)) {
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
  return { ...((isPublic ?? request.public) !== undefined && { public: isPublic ?? request.public }), metadata };
}
