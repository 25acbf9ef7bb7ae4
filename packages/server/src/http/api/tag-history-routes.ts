import type { FastifyInstance } from 'fastify';
import type { TagHistoryService, TagHistoryView } from '../../tag-history/tag-history-service.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { exactValueOf, expectKeys, parseQuery } from './query.js';
import { projectNameParam, repositoryNameParam } from './repository-routes.js';
import { idParam } from './request-parts.js';
import { securityOf } from './security.js';

/** Wharf's TagHistoryEntry (a Wharf extension; Harbor has no tag history). */
export function toTagHistoryEntry({ entry, repositoryName }: TagHistoryView) {
  return {
    id: entry.id,
    repository_name: repositoryName,
    tag: entry.tag ?? null,
    digest: entry.digest,
    media_type: entry.mediaType,
    kind: entry.kind,
    operator: entry.operator ?? null,
    op_time: entry.at.toISOString(),
    expire_time: entry.expiresAt.toISOString(),
  };
}

/** /projects/{project_name}/repositories/{repository_name}/taghistory (Wharf extension, Harbor's URL style). */
export function registerTagHistoryRoutes(api: FastifyInstance, history: TagHistoryService): void {
  const base = '/projects/:project_name/repositories/:repository_name/taghistory';

  api.get(base, async (req, reply) => {
    const query = req.query as Readonly<Record<string, string | undefined>>;
    const page = pageOf(query);
    const terms = parseQuery(query.q);
    expectKeys(terms, ['tag']);
    const tagTerm = terms.get('tag');
    const tag = tagTerm ? exactValueOf('tag', tagTerm) : undefined;
    const { items, total } = await history.list(securityOf(req), projectNameParam(req), repositoryNameParam(req), {
      ...page,
      tag,
    });
    setPagingHeaders(req, reply, page, total);
    return items.map(toTagHistoryEntry);
  });

  api.post(`${base}/:history_id/restore`, async (req) => {
    const view = await history.restore(
      securityOf(req),
      projectNameParam(req),
      repositoryNameParam(req),
      idParam(req, 'history_id'),
    );
    return toTagHistoryEntry(view);
  });
}
