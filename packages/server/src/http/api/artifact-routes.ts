import type { FastifyInstance, FastifyRequest } from 'fastify';
import { additionsOf } from '../../domain/artifact-additions.js';
import type {
  AccessoryQuery,
  AccessorySortBy,
  ArtifactQuery,
  ArtifactSortBy,
  TagQuery,
  TagRecord,
  TagSortBy,
} from '../../ports/metadata-store.js';
import type { ArtifactTagService } from '../../services/artifact-tags.js';
import type { AccessoryView, ArtifactService, ArtifactView, ArtifactViewOptions } from '../../services/artifacts.js';
import { toLabel } from './label-routes.js';
import { jsonBody } from './request-parts.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { booleanParam, expectKeys, parseQuery, parseSort, valueMatchOf, type QueryValue } from './query.js';
import { projectNameParam, repositoryNameParam } from './repository-routes.js';
import { securityOf } from './security.js';

type Query = Readonly<Record<string, string | undefined>>;

/** Harbor's zero time, which it shows for an artifact or tag never pulled. */
const NEVER = '0001-01-01T00:00:00.000Z';

function timeOf(date: Date | undefined): string {
  return date ? date.toISOString() : NEVER;
}

export function toTag(tag: TagRecord, immutable = false) {
  return {
    id: tag.id,
    repository_id: tag.repositoryId,
    artifact_id: tag.manifestId,
    name: tag.name,
    push_time: tag.updatedAt.toISOString(),
    pull_time: timeOf(tag.pulledAt),
    immutable,
  };
}

function toAccessory(accessory: AccessoryView) {
  return {
    id: accessory.record.id,
    artifact_id: accessory.record.id,
    subject_artifact_id: accessory.subject.id,
    subject_artifact_digest: accessory.subject.digest,
    subject_artifact_repo: accessory.repositoryName,
    size: accessory.size,
    digest: accessory.record.digest,
    type: accessory.type,
    icon: '',
    creation_time: accessory.record.createdAt.toISOString(),
  };
}

/**
 * Harbor's `addition_links`: where each addition of the artifact is read, its repository named without the project
 * and its slashes encoded as `%252F`, as Harbor writes them; absent when the artifact has none.
 */
function additionLinksOf(view: ArtifactView) {
  const additions = additionsOf(view.details.mediaType);
  if (additions.length === 0) return undefined;
  const [project = '', ...rest] = view.repositoryName.split('/');
  const base = `/api/v2.0/projects/${project}/repositories/${rest.join('%252F')}/artifacts/${view.record.digest}`;
  return Object.fromEntries(additions.map((a) => [a, { href: `${base}/additions/${a}`, absolute: false }]));
}

/** Harbor's Artifact. */
export function toArtifact(view: ArtifactView, withLabel: boolean) {
  const { record, details } = view;
  const additionLinks = additionLinksOf(view);
  return {
    id: record.id,
    type: details.type,
    media_type: details.mediaType,
    manifest_media_type: record.mediaType,
    artifact_type: record.artifactType ?? details.mediaType,
    project_id: view.projectId,
    repository_id: record.repositoryId,
    repository_name: view.repositoryName,
    digest: record.digest,
    size: details.size,
    icon: '',
    push_time: record.createdAt.toISOString(),
    pull_time: timeOf(record.pulledAt),
    extra_attrs: details.extraAttrs,
    ...(additionLinks && { addition_links: additionLinks }),
    annotations: record.annotations ?? {},
    references: details.references.map((r) => ({
      parent_id: record.id,
      ...(r.childId !== undefined ? { child_id: r.childId } : {}),
      child_digest: r.childDigest,
      ...(r.platform ? { platform: r.platform } : {}),
      ...(r.annotations ? { annotations: r.annotations } : {}),
      ...(r.urls ? { urls: r.urls } : {}),
    })),
    ...(view.tags ? { tags: view.tags.map((t) => toTag(t, view.immutableTags?.has(t.name) ?? false)) } : {}),
    ...(withLabel ? { labels: (view.labels ?? []).map(toLabel) } : {}),
    ...(view.accessories ? { accessories: view.accessories.map(toAccessory) } : {}),
  };
}

const ARTIFACT_SORT_FIELDS: Readonly<Record<string, ArtifactSortBy>> = {
  id: 'id',
  push_time: 'pushTime',
  pull_time: 'pullTime',
  digest: 'digest',
};

const TAG_SORT_FIELDS: Readonly<Record<string, TagSortBy>> = {
  id: 'id',
  name: 'name',
  push_time: 'pushTime',
  pull_time: 'pullTime',
};

const ACCESSORY_SORT_FIELDS: Readonly<Record<string, AccessorySortBy>> = {
  id: 'id',
  creation_time: 'creationTime',
  digest: 'digest',
};

/** Media types of the text additions, as Harbor sends them. */
const TEXT_ADDITION_TYPES = {
  yaml: 'text/plain; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
} as const;

/** `tags=*` tagged, `tags=nil` untagged, otherwise a tag name filter. */
function tagFilter(value: QueryValue): Pick<ArtifactQuery, 'tagged' | 'tag'> {
  if (value.kind === 'exact' && value.value === '*') return { tagged: true };
  if (value.kind === 'exact' && value.value === 'nil') return { tagged: false };
  return { tag: valueMatchOf('tags', value) };
}

function artifactQueryOf(query: Query): ArtifactQuery {
  const terms = parseQuery(query.q);
  expectKeys(terms, ['tags', 'digest', 'media_type', 'type']);
  const tags = terms.get('tags');
  const digest = terms.get('digest');
  const mediaType = terms.get('media_type');
  const type = terms.get('type');
  return {
    ...pageOf(query),
    sort: parseSort(query.sort, ARTIFACT_SORT_FIELDS),
    ...(tags && tagFilter(tags)),
    ...(digest && { digest: valueMatchOf('digest', digest) }),
    ...(mediaType && { mediaType: valueMatchOf('media_type', mediaType) }),
    ...(type && { type: valueMatchOf('type', type) }),
  };
}

function tagQueryOf(query: Query): TagQuery {
  const terms = parseQuery(query.q);
  expectKeys(terms, ['name']);
  const name = terms.get('name');
  return {
    ...pageOf(query),
    ...(name && { name: valueMatchOf('name', name) }),
    sort: parseSort(query.sort, TAG_SORT_FIELDS),
  };
}

/** The accessory list query: `q` with type and digest (exact, `~` substring or `{a b}`), `sort` by id, creation_time, digest. */
function accessoryQueryOf(query: Query): AccessoryQuery {
  const terms = parseQuery(query.q);
  expectKeys(terms, ['type', 'digest']);
  const type = terms.get('type');
  const digest = terms.get('digest');
  return {
    ...pageOf(query),
    ...(type && { type: valueMatchOf('type', type) }),
    ...(digest && { digest: valueMatchOf('digest', digest) }),
    sort: parseSort(query.sort, ACCESSORY_SORT_FIELDS),
  };
}

/** with_tag (default true), with_accessory, with_label, with_immutable_status; the scan, SBOM and signature flags are accepted. */
function viewOptionsOf(query: Query): ArtifactViewOptions & { withLabel: boolean } {
  for (const flag of ['with_scan_overview', 'with_sbom_overview', 'with_signature']) {
    booleanParam(flag, query[flag], false);
  }
  return {
    withTag: booleanParam('with_tag', query.with_tag, true),
    withLabel: booleanParam('with_label', query.with_label, false),
    withAccessory: booleanParam('with_accessory', query.with_accessory, false),
    withImmutableStatus: booleanParam('with_immutable_status', query.with_immutable_status, false),
  };
}

interface Path {
  readonly project: string;
  readonly repository: string;
  readonly reference: string;
}

function pathOf(req: FastifyRequest): Path {
  return {
    project: projectNameParam(req),
    repository: repositoryNameParam(req),
    reference: (req.params as { reference?: string }).reference ?? '',
  };
}

export interface ArtifactRoutesOptions {
  readonly artifacts: ArtifactService;
  readonly artifactTags: ArtifactTagService;
}

/** /projects/{project_name}/repositories/{repository_name}/artifacts... (swagger tag `artifact`). */
export function registerArtifactRoutes(api: FastifyInstance, { artifacts, artifactTags }: ArtifactRoutesOptions) {
  const base = '/projects/:project_name/repositories/:repository_name/artifacts';

  api.get(base, async (req, reply) => {
    const query = req.query as Query;
    const filter = artifactQueryOf(query);
    const opts = viewOptionsOf(query);
    const { project, repository } = pathOf(req);
    const { items, total } = await artifacts.list(securityOf(req), project, repository, filter, opts);
    setPagingHeaders(req, reply, filter, total);
    return items.map((view) => toArtifact(view, opts.withLabel));
  });

  api.get(`${base}/:reference`, async (req) => {
    const opts = viewOptionsOf(req.query as Query);
    const { project, repository, reference } = pathOf(req);
    return toArtifact(await artifacts.get(securityOf(req), project, repository, reference, opts), opts.withLabel);
  });

  api.delete(`${base}/:reference`, async (req, reply) => {
    const { project, repository, reference } = pathOf(req);
    await artifacts.delete(securityOf(req), project, repository, reference);
    return reply.code(200).send();
  });

  api.get(`${base}/:reference/accessories`, async (req, reply) => {
    const query = accessoryQueryOf(req.query as Query);
    const { project, repository, reference } = pathOf(req);
    const { items, total } = await artifacts.accessories(securityOf(req), project, repository, reference, query);
    setPagingHeaders(req, reply, query, total);
    return items.map(toAccessory);
  });

  api.get(`${base}/:reference/additions/:addition`, async (req, reply) => {
    const { project, repository, reference } = pathOf(req);
    const name = (req.params as { addition?: string }).addition ?? '';
    const content = await artifacts.addition(securityOf(req), project, repository, reference, name);
    if (content.kind === 'json') return content.value;
    return reply.type(TEXT_ADDITION_TYPES[content.kind]).header('X-Content-Type-Options', 'nosniff').send(content.text);
  });

  api.get(`${base}/:reference/tags`, async (req, reply) => {
    const query = tagQueryOf(req.query as Query);
    const { project, repository, reference } = pathOf(req);
    const withImmutable = booleanParam('with_immutable_status', (req.query as Query).with_immutable_status, false);
    const page = await artifactTags.list(securityOf(req), project, repository, reference, query, withImmutable);
    setPagingHeaders(req, reply, query, page.total);
    return page.items.map((t) => toTag(t, page.immutableTags?.has(t.name) ?? false));
  });

  api.post(`${base}/:reference/tags`, async (req, reply) => {
    const body = jsonBody(req);
    const { project, repository, reference } = pathOf(req);
    await artifactTags.create(securityOf(req), project, repository, reference, body);
    // Like Harbor: no Location, as there is no endpoint that reads a single tag.
    return reply.code(201).send();
  });

  api.delete(`${base}/:reference/tags/:tag_name`, async (req, reply) => {
    const { project, repository, reference } = pathOf(req);
    const name = (req.params as { tag_name?: string }).tag_name ?? '';
    await artifactTags.delete(securityOf(req), project, repository, reference, name);
    return reply.code(200).send();
  });
}
