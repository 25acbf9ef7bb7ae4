import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PROJECT_ROLE_IDS, type ProjectRoleId } from '../../domain/rbac/roles.js';
import type { ProjectFilter } from '../../ports/identity-store.js';
import { metadataOf, type ProjectMetadataService } from '../../services/project-metadata.js';
import type { ProjectLocator } from '../../services/project-visibility.js';
import type { ProjectListQuery, ProjectService, ProjectSummaryView, ProjectView } from '../../services/projects.js';
import { HarborError } from '../error-handler.js';
import { projectRequestOf } from './project-body.js';
import { isTrueHeader, jsonBody } from './request-parts.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { booleanParam, expectKeys, parseQuery, parseSort } from './query.js';
import { securityOf } from './security.js';

type Query = Readonly<Record<string, string | undefined>>;

/** Harbor's Project model as one caller sees it. */
export function toProject({ project, repoCount, detailed, ownerName, roles }: ProjectView) {
  const roleIds = roles.map((role) => PROJECT_ROLE_IDS[role]);
  return {
    project_id: project.id,
    ...(project.ownerId !== null && { owner_id: project.ownerId }),
    name: project.name,
    creation_time: project.createdAt.toISOString(),
    update_time: project.updatedAt.toISOString(),
    deleted: false,
    ...(detailed && { owner_name: ownerName ?? '' }),
    current_user_role_id: roleIds[0] ?? 0,
    current_user_role_ids: roleIds,
    repo_count: repoCount,
    metadata: metadataOf(project),
    ...(detailed && { cve_allowlist: { project_id: project.id, items: [] } }),
  };
}

function toSummary({ repoCount, members, quota }: ProjectSummaryView) {
  const count = (id: ProjectRoleId) => members?.get(id) ?? 0;
  return {
    repo_count: repoCount,
    ...(quota && { quota: { hard: { storage: quota.hard }, used: { storage: quota.used } } }),
    ...(members && {
      project_admin_count: count(PROJECT_ROLE_IDS.projectAdmin),
      maintainer_count: count(PROJECT_ROLE_IDS.maintainer),
      developer_count: count(PROJECT_ROLE_IDS.developer),
      guest_count: count(PROJECT_ROLE_IDS.guest),
      limited_guest_count: count(PROJECT_ROLE_IDS.limitedGuest),
    }),
  };
}

/** The `{project_name_or_id}` path parameter with Harbor's `X-Is-Resource-Name` header. */
export function locatorOf(req: FastifyRequest): ProjectLocator {
  return {
    nameOrId: (req.params as { project_name_or_id: string }).project_name_or_id,
    isResourceName: isTrueHeader(req.headers['x-is-resource-name']),
  };
}

const SORT_KEYS = { name: 'name', project_id: 'id', creation_time: 'createdAt', update_time: 'updatedAt' } as const;

function projectIdOf(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new HarborError('BAD_REQUEST', 'project_id must be an integer');
  return Number(value);
}

/**
 * The list query: `name` (substring), `public`, `owner` (username), `with_detail`, and Harbor's `q` with the keys
 * name (exact, `~` substring, or `{a b}` any of), public, owner and project_id (exact or `{1 2}`), and `sort` by
 * name, project_id, creation_time or update_time.
 */
export function projectListQueryOf(query: Query): ProjectListQuery {
  const terms = parseQuery(query.q);
  expectKeys(terms, ['name', 'public', 'owner', 'project_id']);
  const filter: { -readonly [K in keyof ProjectFilter]: ProjectFilter[K] } = {};
  const exactOnly = (key: string) => new HarborError('BAD_REQUEST', `q supports only exact values of ${key}`);
  const name = terms.get('name');
  if (name?.kind === 'exact') filter.names = [name.value];
  else if (name?.kind === 'fuzzy') filter.name = name.value;
  else if (name?.kind === 'or') filter.names = name.values;
  else if (name) throw new HarborError('BAD_REQUEST', 'q supports name=value, name=~value and name={a b}');
  const id = terms.get('project_id');
  if (id?.kind === 'exact') filter.ids = [projectIdOf(id.value)];
  else if (id?.kind === 'or') filter.ids = id.values.map(projectIdOf);
  else if (id) throw new HarborError('BAD_REQUEST', 'q supports project_id=value and project_id={a b}');
  const isPublic = terms.get('public');
  if (isPublic && isPublic.kind !== 'exact') throw exactOnly('public');
  const owner = terms.get('owner');
  if (owner && owner.kind !== 'exact') throw exactOnly('owner');
  if (query.name) filter.name = query.name;
  const publicFlag = booleanParam('public', query.public) ?? booleanParam('public', isPublic?.value);
  if (publicFlag !== undefined) filter.public = publicFlag;
  const ownerName = query.owner || owner?.value;
  const sort = parseSort(query.sort, SORT_KEYS);
  return {
    ...pageOf(query),
    filter,
    ...(ownerName && { owner: ownerName }),
    ...(sort.length > 0 && { sort }),
    withDetail: booleanParam('with_detail', query.with_detail, true),
  };
}

/** /projects and their metadata: Harbor's swagger tags `project` and `projectMetadata`. */
export function registerProjectRoutes(
  api: FastifyInstance,
  projects: ProjectService,
  metadata: ProjectMetadataService,
): void {
  api.head('/projects', async (req, reply) => {
    const name = (req.query as Query).project_name;
    if (!name) throw new HarborError('BAD_REQUEST', 'project_name is required');
    await projects.check(securityOf(req), name);
    return reply.code(200).send();
  });

  api.get('/projects', { exposeHeadRoute: false }, async (req, reply) => {
    const query = projectListQueryOf(req.query as Query);
    const { items, total } = await projects.list(securityOf(req), query);
    setPagingHeaders(req, reply, query, total);
    return items.map(toProject);
  });

  api.post('/projects', async (req, reply) => {
    const project = await projects.create(securityOf(req), projectRequestOf(jsonBody(req)));
    const byName = isTrueHeader(req.headers['x-resource-name-in-location']);
    const location = `/api/v2.0/projects/${byName ? project.name : project.id}`;
    return reply.code(201).header('Location', location).send();
  });

  api.get('/projects/:project_name_or_id', async (req) =>
    toProject(await projects.get(securityOf(req), locatorOf(req))),
  );

  api.put('/projects/:project_name_or_id', async (req, reply) => {
    await projects.update(securityOf(req), locatorOf(req), projectRequestOf(jsonBody(req)));
    return reply.code(200).send();
  });

  api.delete('/projects/:project_name_or_id', async (req, reply) => {
    await projects.delete(securityOf(req), locatorOf(req));
    return reply.code(200).send();
  });

  api.get('/projects/:project_name_or_id/_deletable', async (req) =>
    projects.deletable(securityOf(req), locatorOf(req)),
  );

  api.get('/projects/:project_name_or_id/summary', async (req) =>
    toSummary(await projects.summary(securityOf(req), locatorOf(req))),
  );

  api.get('/projects/:project_name_or_id/metadatas', async (req) => metadata.list(securityOf(req), locatorOf(req)));

  api.post('/projects/:project_name_or_id/metadatas', async (req, reply) => {
    const entries = Object.entries(jsonBody(req));
    const [entry] = entries;
    if (entries.length !== 1 || !entry) {
      throw new HarborError('BAD_REQUEST', 'add exactly one metadata key and value at a time');
    }
    await metadata.add(securityOf(req), locatorOf(req), entry[0], entry[1]);
    return reply.code(200).send();
  });

  const metaName = (req: FastifyRequest) => (req.params as { meta_name: string }).meta_name;

  api.get('/projects/:project_name_or_id/metadatas/:meta_name', async (req) =>
    metadata.get(securityOf(req), locatorOf(req), metaName(req)),
  );

  api.put('/projects/:project_name_or_id/metadatas/:meta_name', async (req, reply) => {
    const key = metaName(req);
    const body = jsonBody(req);
    if (!Object.hasOwn(body, key)) throw new HarborError('BAD_REQUEST', `the body must hold the value of ${key}`);
    await metadata.set(securityOf(req), locatorOf(req), key, body[key]);
    return reply.code(200).send();
  });

  api.delete('/projects/:project_name_or_id/metadatas/:meta_name', async (req, reply) => {
    await metadata.delete(securityOf(req), locatorOf(req), metaName(req));
    return reply.code(200).send();
  });
}
