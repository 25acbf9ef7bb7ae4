import {
  PAGING,
  dateTime,
  errors,
  integerId,
  jsonResponse,
  pagedResponse,
  parameterRef,
  pathParameter,
  schemaRef,
  type ApiArea,
} from './common.js';
import { PROJECT_NAME, REPOSITORY_NAME } from './repositories.js';

const TAG_HISTORY = ['taghistory'];
const BASE = '/projects/{project_name}/repositories/{repository_name}/taghistory';

/** A repository's tag history and restore (a Wharf extension; Harbor has no such API). */
export const TAG_HISTORY_AREA: ApiArea = {
  tag: {
    name: 'taghistory',
    description:
      'Tag history (a Wharf extension): tags deleted or moved and artifacts deleted within the restore window ' +
      '(`tags.restoreWindow`, 7 days by default), and their restore. Garbage collection keeps what an entry needs ' +
      'until it expires.',
  },
  paths: {
    [BASE]: {
      get: {
        operationId: 'listTagHistory',
        summary: 'List a repository’s tag history',
        description:
          'Unexpired entries, newest first. `q` key: `tag` (exact). Needs pull access to the repository (anyone in ' +
          'a public project).',
        tags: TAG_HISTORY,
        parameters: [PROJECT_NAME, REPOSITORY_NAME, parameterRef('Query'), ...PAGING],
        responses: {
          '200': pagedResponse('One page of entries.', schemaRef('TagHistoryEntry')),
          ...errors(400, 403, 404),
        },
      },
    },
    [`${BASE}/{history_id}/restore`]: {
      post: {
        operationId: 'restoreTagHistory',
        summary: 'Restore a tag history entry',
        description:
          'Needs push access to the repository (developers and up, robots granted push). An artifact deleted is ' +
          'pushed again from its stored content (the children of an index first; quota and events as for a push), ' +
          'then the tag points at it again (moving the tag if it now names another artifact, which is recorded in ' +
          'the history too). An immutable tag rule or the quota may refuse it (412, 403); content no longer stored ' +
          'is 412; an expired or unknown entry 404; content being deleted by garbage collection at that moment 409 (try again).',
        tags: TAG_HISTORY,
        parameters: [
          PROJECT_NAME,
          REPOSITORY_NAME,
          pathParameter('history_id', 'The entry’s id.', { type: 'integer', format: 'int64', minimum: 1 }),
        ],
        responses: {
          '200': jsonResponse('Restored; the entry.', schemaRef('TagHistoryEntry')),
          ...errors(400, 403, 404, 409, 412),
        },
      },
    },
  },
  schemas: {
    TagHistoryEntry: {
      type: 'object',
      required: ['id', 'repository_name', 'tag', 'digest', 'media_type', 'kind', 'operator', 'op_time', 'expire_time'],
      properties: {
        id: integerId('The entry’s id.'),
        repository_name: { type: 'string', description: 'The full repository name, project first.' },
        tag: { type: 'string', nullable: true, description: 'The tag; null for an untagged artifact deleted.' },
        digest: { type: 'string', description: 'The manifest the tag named, or the artifact deleted.' },
        media_type: { type: 'string', description: 'The manifest’s media type.' },
        kind: {
          type: 'string',
          enum: ['tag.deleted', 'tag.moved', 'artifact.deleted'],
          description:
            'What happened: the tag was deleted, pushed over with another manifest, or its artifact deleted.',
        },
        operator: { type: 'string', nullable: true, description: 'Who did it, if known.' },
        op_time: dateTime('When it happened.'),
        expire_time: dateTime('Until when it can be restored.'),
      },
    },
  },
};
