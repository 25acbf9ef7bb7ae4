import type { ProjectRequest } from '../../services/project-request.js';
import { HarborError } from '../error-handler.js';
import type { JsonBody } from './request-parts.js';

function invalid(message: string): HarborError {
  return new HarborError('BAD_REQUEST', message);
}

const absent = (value: unknown): value is undefined | null => value === undefined || value === null;

/**
 * Harbor's ProjectReq (POST and PUT /projects) as typed values: the fields' JSON types are checked here, what they
 * may hold is services/project-request.ts's (and the domain's) concern. A null field is an absent one.
 */
export function projectRequestOf(body: JsonBody): ProjectRequest {
  const {
    project_name: name,
    registry_id: registryId,
    storage_limit: limit,
    metadata,
    cve_allowlist: allowlist,
  } = body;
  if (!absent(name) && typeof name !== 'string') throw invalid('project_name must be a string');
  if (!absent(limit) && !Number.isInteger(limit)) throw invalid('storage_limit must be an integer, -1 for no limit');
  if (!absent(metadata) && (typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw invalid('metadata must be an object of strings');
  }
  if (!absent(body.public) && typeof body.public !== 'boolean') throw invalid('public must be true or false');
  let cveAllowlistItems: readonly unknown[] | undefined;
  if (!absent(allowlist)) {
    if (typeof allowlist !== 'object' || Array.isArray(allowlist)) throw invalid('cve_allowlist must be an object');
    const items = (allowlist as { items?: unknown }).items;
    if (!absent(items) && !Array.isArray(items)) throw invalid('cve_allowlist.items must be a list');
    cveAllowlistItems = items ?? [];
  }
  return {
    ...(!absent(name) && { name }),
    proxyCache: !absent(registryId),
    ...(!absent(limit) && { storageLimit: limit as number }),
    ...(!absent(body.public) && { public: body.public }),
    metadata: absent(metadata) ? {} : (metadata as Readonly<Record<string, unknown>>),
    ...(cveAllowlistItems !== undefined && { cveAllowlistItems }),
  };
}
