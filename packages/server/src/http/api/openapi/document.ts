import { JOBSERVICE_AREA, SCHEDULES_AREA } from './jobservice.js';
import { GC_AREA } from './gc.js';
import { NOTIFICATIONS_AREA } from './notifications.js';
import { OIDC_AREA } from './oidc.js';
import { TAG_HISTORY_AREA } from './tag-history.js';
import { ARTIFACTS_AREA } from './artifacts.js';
import { AUDIT_AREA, PURGE_AUDIT_AREA } from './audit.js';
import { EMAIL_AREA } from './email.js';
import { COMMON_COMPONENTS, HTTP_METHODS, type ApiArea, type PathItem, type SchemaObject } from './common.js';
import { CONFIGURATIONS_AREA } from './configurations.js';
import { IMMUTABLE_AREA } from './immutable.js';
import { LABELS_AREA } from './labels.js';
import { LDAP_AREA } from './ldap.js';
import { MEMBERS_AREA } from './members.js';
import { PERMISSIONS_AREA } from './permissions.js';
import { PROJECT_METADATA_AREA } from './project-metadata.js';
import { PROJECTS_AREA } from './projects.js';
import { QUOTAS_AREA } from './quotas.js';
import { ROBOTS_AREA } from './robots.js';
import { SEARCH_AREA } from './search.js';
import { STATISTICS_AREA } from './statistics.js';
import { REPOSITORIES_AREA } from './repositories.js';
import { RETENTION_AREA } from './retention.js';
import { SYSTEM_AREA } from './system.js';
import { USER_GROUPS_AREA } from './user-groups.js';
import { TOKENS_AREA } from './tokens.js';
import { USERS_AREA } from './users.js';
import { WEBHOOKS_AREA } from './webhooks.js';

/**
 * Wharf's OpenAPI 3.0 description of its management API, assembled from one module per area. To describe a new
 * route, add its operation to its area's module (or a new `<area>.ts` listed here); the tests fail while a route
 * under /api/v2.0 is missing from this document, or described but not registered.
 */
const AREAS: readonly ApiArea[] = [
  SYSTEM_AREA,
  USERS_AREA,
  PERMISSIONS_AREA,
  PROJECTS_AREA,
  PROJECT_METADATA_AREA,
  MEMBERS_AREA,
  USER_GROUPS_AREA,
  ROBOTS_AREA,
  TOKENS_AREA,
  SEARCH_AREA,
  STATISTICS_AREA,
  CONFIGURATIONS_AREA,
  EMAIL_AREA,
  LDAP_AREA,
  OIDC_AREA,
  QUOTAS_AREA,
  REPOSITORIES_AREA,
  ARTIFACTS_AREA,
  IMMUTABLE_AREA,
  LABELS_AREA,
  RETENTION_AREA,
  JOBSERVICE_AREA,
  SCHEDULES_AREA,
  GC_AREA,
  TAG_HISTORY_AREA,
  WEBHOOKS_AREA,
  NOTIFICATIONS_AREA,
  AUDIT_AREA,
  PURGE_AUDIT_AREA,
  // one line per area: keep this list in order of the tags as the explorer shows them
];

export const OPENAPI_PATH = '/api/v2.0/openapi.json';

export interface OpenApiDocument {
  readonly openapi: '3.0.3';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly servers: readonly { readonly url: string }[];
  readonly security: readonly Readonly<Record<string, readonly string[]>>[];
  readonly tags: readonly ApiArea['tag'][];
  readonly paths: Readonly<Record<string, PathItem>>;
  readonly components: Omit<typeof COMMON_COMPONENTS, 'schemas'> & {
    readonly schemas: Readonly<Record<string, SchemaObject>>;
  };
}

/** The areas' tags, each once: areas may share a tag (the same object), but not a name with two descriptions. */
function tagsOf(areas: readonly ApiArea[]): ApiArea['tag'][] {
  const tags = new Map<string, ApiArea['tag']>();
  for (const { tag } of areas) {
    const known = tags.get(tag.name);
    if (known && known.description !== tag.description) {
      throw new Error(`OpenAPI description: tag ${tag.name} is described twice`);
    }
    tags.set(tag.name, tag);
  }
  return [...tags.values()];
}

function merge<T>(into: Record<string, T>, from: Readonly<Record<string, T>>, what: string): void {
  for (const [key, value] of Object.entries(from)) {
    if (key in into) throw new Error(`OpenAPI description: ${what} ${key} is described twice`);
    into[key] = value;
  }
}

export function buildOpenApiDocument(opts: { readonly version: string }): OpenApiDocument {
  const paths: Record<string, PathItem> = {};
  const schemas: Record<string, SchemaObject> = { ...COMMON_COMPONENTS.schemas };
  for (const area of AREAS) {
    for (const [path, item] of Object.entries(area.paths)) {
      const existing = (paths[path] ??= {});
      for (const method of HTTP_METHODS) {
        if (!item[method]) continue;
        if (existing[method])
          throw new Error(`OpenAPI description: ${method.toUpperCase()} ${path} is described twice`);
        existing[method] = item[method];
      }
    }
    merge(schemas, area.schemas ?? {}, 'schema');
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Wharf management API',
      version: opts.version,
      description:
        "Wharf's management API, compatible with Harbor's API v2.0 for the operations listed here. Authenticate " +
        'with HTTP Basic (users or robot accounts) or the portal session cookie. Errors always use the `Errors` ' +
        'envelope; lists are paged with `page` and `page_size` and report `X-Total-Count` and `Link`.',
    },
    servers: [{ url: '/api/v2.0' }],
    security: [{ basic: [] }, { session: [] }],
    tags: tagsOf(AREAS),
    paths,
    components: { ...COMMON_COMPONENTS, schemas },
  };
}
