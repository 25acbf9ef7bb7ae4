import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RepositorySortBy, RepositoryView } from '../../ports/metadata-store.js';
import type { RepositoryFilter, RepositoryService } from '../../services/repositories.js';
import { HarborError } from '../error-handler.js';
import { jsonBody } from './request-parts.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { expectKeys, parseQuery, parseSort, valueMatchOf } from './query.js';
import { securityOf } from './security.js';

type Query = Readonly<Record<string, string | undefined>>;

/** Harbor's Repository: `name` is the full name, project first. */
export function toRepository(view: RepositoryView) {
  return {
    id: view.id,
    project_id: view.projectId,
    name: view.name,
    description: view.description,
    artifact_count: view.artifactCount,
    pull_count: view.pullCount,
    creation_time: view.createdAt.toISOString(),
    update_time: view.updatedAt.toISOString(),
  };
}

const SORT_FIELDS: Readonly<Record<string, RepositorySortBy>> = {
  id: 'id',
  name: 'name',
  creation_time: 'creationTime',
  update_time: 'updateTime',
  pull_count: 'pullCount',
};

function filterOf(query: Query): RepositoryFilter {
  const terms = parseQuery(query.q);
  expectKeys(terms, ['name']);
  const name = terms.get('name');
  return {
    ...pageOf(query),
    ...(name && { name: valueMatchOf('name', name) }),
    sort: parseSort(query.sort, SORT_FIELDS),
  };
}

/**
 * `{repository_name}` is the name without its project. Harbor's clients encode a `/` in it twice (`a%252Fb`), which
 * arrives here as `a%2Fb` after the router's decoding; a single encoding (`a%2Fb`) arrives already decoded.
 */
export function repositoryNameParam(req: FastifyRequest): string {
  const raw = (req.params as { repository_name?: string }).repository_name ?? '';
  if (!/%2f/i.test(raw)) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HarborError('BAD_REQUEST', 'repository_name is not correctly URL-encoded');
  }
}

export function projectNameParam(req: FastifyRequest): string {
  return (req.params as { project_name?: string }).project_name ?? '';
}

/** /repositories and /projects/{project_name}/repositories (swagger tag `repository`). */
export function registerRepositoryRoutes(api: FastifyInstance, repositories: RepositoryService): void {
  api.get('/repositories', async (req, reply) => {
    const filter = filterOf(req.query as Query);
    const { items, total } = await repositories.listAll(securityOf(req), filter);
    setPagingHeaders(req, reply, filter, total);
    return items.map(toRepository);
  });

  api.get('/projects/:project_name/repositories', async (req, reply) => {
    const filter = filterOf(req.query as Query);
    const { items, total } = await repositories.list(securityOf(req), projectNameParam(req), filter);
    setPagingHeaders(req, reply, filter, total);
    return items.map(toRepository);
  });

  const one = '/projects/:project_name/repositories/:repository_name';
  api.get(one, async (req) =>
    toRepository(await repositories.get(securityOf(req), projectNameParam(req), repositoryNameParam(req))),
  );

  api.put(one, async (req, reply) => {
    const body = jsonBody(req);
    await repositories.update(securityOf(req), projectNameParam(req), repositoryNameParam(req), body);
    return reply.code(200).send();
  });

  api.delete(one, async (req, reply) => {
    await repositories.delete(securityOf(req), projectNameParam(req), repositoryNameParam(req));
    return reply.code(200).send();
  });
}
