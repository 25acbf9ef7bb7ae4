import {
  PROJECT_AT,
  emptyResponse,
  errors,
  jsonBody,
  jsonResponse,
  pathParameter,
  schemaRef,
  type ApiArea,
} from './common.js';

const METADATA = ['projectMetadata'];
const META_NAME = pathParameter('meta_name', 'The metadata key, such as `auto_scan`.', { type: 'string' });
const AT_KEY = [...PROJECT_AT, META_NAME];

/** /projects/{p}/metadatas: a project's settings, one key at a time. */
export const PROJECT_METADATA_AREA: ApiArea = {
  tag: { name: 'projectMetadata', description: 'A project’s settings (metadata), one key at a time.' },
  paths: {
    '/projects/{project_name_or_id}/metadatas': {
      get: {
        operationId: 'listProjectMetadatas',
        summary: 'A project’s settings',
        tags: METADATA,
        security: [{}, { basic: [] }, { session: [] }],
        parameters: PROJECT_AT,
        responses: {
          '200': jsonResponse('Every key that is set, `public` included.', schemaRef('ProjectMetadata')),
          ...errors(403, 404),
        },
      },
      post: {
        operationId: 'addProjectMetadatas',
        summary: 'Set a key that is not set yet',
        description: 'Exactly one key and value; 409 when the key is already set (`public` always is).',
        tags: METADATA,
        parameters: PROJECT_AT,
        requestBody: jsonBody('One key and its value.', schemaRef('ProjectMetadataEntry')),
        responses: { '200': emptyResponse('Set.'), ...errors(400, 403, 404, 409) },
      },
    },
    '/projects/{project_name_or_id}/metadatas/{meta_name}': {
      get: {
        operationId: 'getProjectMetadata',
        summary: 'One setting of a project',
        tags: METADATA,
        security: [{}, { basic: [] }, { session: [] }],
        parameters: AT_KEY,
        responses: {
          '200': jsonResponse('The key and its value.', schemaRef('ProjectMetadataEntry')),
          ...errors(403, 404),
        },
      },
      put: {
        operationId: 'updateProjectMetadata',
        summary: 'Change one setting of a project',
        description: 'The body holds the new value under the same key as the path.',
        tags: METADATA,
        parameters: AT_KEY,
        requestBody: jsonBody('The key and its new value.', schemaRef('ProjectMetadataEntry')),
        responses: { '200': emptyResponse('Changed.'), ...errors(400, 403, 404) },
      },
      delete: {
        operationId: 'deleteProjectMetadata',
        summary: 'Remove one setting of a project',
        description: 'Removing `public` makes the project private.',
        tags: METADATA,
        parameters: AT_KEY,
        responses: { '200': emptyResponse('Removed.'), ...errors(403, 404) },
      },
    },
  },
  schemas: {
    ProjectMetadataEntry: {
      type: 'object',
      description:
        'One metadata key and its value as text: flags are `"true"` or `"false"` (requests may use other ' +
        'boolean spellings, such as `1`), `severity` is `none`, `low`, `medium`, `high` or `critical`.',
      additionalProperties: { type: 'string' },
    },
  },
};
