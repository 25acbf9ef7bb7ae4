import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ArtifactLabelService, LabelService } from '../../labels/label-service.js';
import type { LabelRecord, LabelSortBy } from '../../ports/label-records.js';
import { HarborError } from '../error-handler.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { expectKeys, parseQuery, parseSort } from './query.js';
import { projectNameParam, repositoryNameParam } from './repository-routes.js';
import { idParam, jsonBody } from './request-parts.js';
import { securityOf } from './security.js';

type Query = Readonly<Record<string, string | undefined>>;

/** Harbor's Label (`project_id` 0 for a global label). */
export function toLabel(label: LabelRecord) {
  return {
    id: label.id,
    name: label.name,
    description: label.description,
    color: label.color,
    scope: label.scope,
    project_id: label.projectId ?? 0,
    creation_time: label.createdAt.toISOString(),
    update_time: label.updatedAt.toISOString(),
  };
}

const SORT_FIELDS: Readonly<Record<string, LabelSortBy>> = {
  id: 'id',
  name: 'name',
  creation_time: 'creationTime',
  update_time: 'updateTime',
};

function projectIdOf(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new HarborError('BAD_REQUEST', 'project_id must be an integer');
  return Number(raw);
}

/** `name` (substring, as Harbor's fuzzy match), `scope`, `project_id`, `q` with `name` (exact or `~`), `sort`. */
function listRequestOf(query: Query) {
  const terms = parseQuery(query.q);
  expectKeys(terms, ['name']);
  const name = terms.get('name');
  if (name && name.kind !== 'exact' && name.kind !== 'fuzzy') {
    throw new HarborError('BAD_REQUEST', 'q supports name=value and name=~value for labels');
  }
  const contains = name?.kind === 'fuzzy' ? name.value : query.name;
  return {
    ...pageOf(query),
    scope: query.scope,
    projectId: projectIdOf(query.project_id),
    ...(contains !== undefined && { nameContains: contains }),
    ...(name?.kind === 'exact' && { name: name.value }),
    sort: parseSort(query.sort, SORT_FIELDS),
  };
}

function artifactPathOf(req: FastifyRequest) {
  return {
    project: projectNameParam(req),
    repository: repositoryNameParam(req),
    reference: (req.params as { reference?: string }).reference ?? '',
  };
}

/** /labels (swagger tag `label`) and the artifact label operations (tag `artifact`). */
export function registerLabelRoutes(
  api: FastifyInstance,
  labels: LabelService,
  artifactLabels: ArtifactLabelService,
): void {
  api.get('/labels', async (req, reply) => {
    const request = listRequestOf(req.query as Query);
    const { items, total } = await labels.list(securityOf(req), request);
    setPagingHeaders(req, reply, request, total);
    return items.map(toLabel);
  });

  api.post('/labels', async (req, reply) => {
    const label = await labels.create(securityOf(req), jsonBody(req));
    return reply.code(201).header('Location', `/api/v2.0/labels/${label.id}`).send();
  });

  api.get('/labels/:label_id', async (req) => toLabel(await labels.get(securityOf(req), idParam(req, 'label_id'))));

  api.put('/labels/:label_id', async (req, reply) => {
    await labels.update(securityOf(req), idParam(req, 'label_id'), jsonBody(req));
    return reply.code(200).send();
  });

  api.delete('/labels/:label_id', async (req, reply) => {
    await labels.delete(securityOf(req), idParam(req, 'label_id'));
    return reply.code(200).send();
  });

  const artifact = '/projects/:project_name/repositories/:repository_name/artifacts/:reference/labels';

  api.post(artifact, async (req, reply) => {
    const { project, repository, reference } = artifactPathOf(req);
    await artifactLabels.add(securityOf(req), project, repository, reference, jsonBody(req));
    return reply.code(200).send();
  });

  api.delete(`${artifact}/:label_id`, async (req, reply) => {
    const { project, repository, reference } = artifactPathOf(req);
    await artifactLabels.remove(securityOf(req), project, repository, reference, idParam(req, 'label_id'));
    return reply.code(200).send();
  });
}
