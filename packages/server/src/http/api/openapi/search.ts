import { errors, integerId, jsonResponse, schemaRef, type ApiArea } from './common.js';

/** GET /search: projects and repositories by name. */
export const SEARCH_AREA: ApiArea = {
  tag: { name: 'search', description: 'Finding projects and repositories by name.' },
  paths: {
    '/search': {
      get: {
        operationId: 'search',
        summary: 'Find projects and repositories',
        description:
          'Projects and repositories the caller sees whose name contains `q`, at most 1000 of each. Anonymous ' +
          'callers find public ones.',
        tags: ['search'],
        security: [{}, { basic: [] }, { session: [] }],
        parameters: [
          { name: 'q', in: 'query', required: true, description: 'Part of the name.', schema: { type: 'string' } },
        ],
        responses: { '200': jsonResponse('What matched.', schemaRef('Search')), ...errors(400) },
      },
    },
  },
  schemas: {
    Search: {
      type: 'object',
      required: ['project', 'repository'],
      properties: {
        project: { type: 'array', items: schemaRef('Project') },
        repository: { type: 'array', items: schemaRef('SearchRepository') },
      },
    },
    SearchRepository: {
      type: 'object',
      required: ['project_id', 'project_name', 'project_public', 'repository_name', 'pull_count', 'artifact_count'],
      properties: {
        project_id: integerId('The id of the repository’s project.'),
        project_name: { type: 'string' },
        project_public: { type: 'boolean', description: 'Whether the project is public.' },
        repository_name: { type: 'string', description: 'The full name, project included (`library/nginx`).' },
        pull_count: { type: 'integer', minimum: 0, description: 'How often its manifests were pulled.' },
        artifact_count: { type: 'integer', minimum: 0 },
      },
    },
  },
};
