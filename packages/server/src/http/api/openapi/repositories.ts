import {
  PAGING,
  dateTime,
  emptyResponse,
  errors,
  integerId,
  jsonBody,
  jsonResponse,
  pagedResponse,
  parameterRef,
  pathParameter,
  schemaRef,
  type ApiArea,
  type ParameterObject,
} from './common.js';

/** `{project_name}` in the repository and artifact paths: always a project name here, never an id. */
export const PROJECT_NAME: ParameterObject = pathParameter(
  'project_name',
  'The name of the project holding the repository.',
  { type: 'string', minLength: 1 },
);

/** `{repository_name}`: the repository's name inside its project. */
export const REPOSITORY_NAME: ParameterObject = pathParameter(
  'repository_name',
  'The repository’s name without the project part. A `/` inside it is sent URL-encoded twice (`a%252Fb`), as ' +
    'Harbor’s clients do; encoding it once (`a%2Fb`) works too.',
  { type: 'string', minLength: 1 },
);

const REPOSITORY = ['repository'];
const LIST_DESCRIPTION =
  '`q` key: `name` (the full name, project first; `name=~part` for a substring). `sort` keys: `id`, `name`, ' +
  '`creation_time`, `update_time`, `pull_count`; newest first by default.';

/** /repositories and /projects/{project_name}/repositories: the repositories of projects. */
export const REPOSITORIES_AREA: ApiArea = {
  tag: { name: 'repository', description: 'Repositories: listing, describing and deleting them.' },
  paths: {
    '/repositories': {
      get: {
        operationId: 'listAllRepositories',
        summary: 'List the repositories of every project the caller may see',
        description: LIST_DESCRIPTION,
        tags: REPOSITORY,
        parameters: [parameterRef('Query'), parameterRef('Sort'), ...PAGING],
        responses: { '200': pagedResponse('One page of repositories.', schemaRef('Repository')), ...errors(400) },
      },
    },
    '/projects/{project_name}/repositories': {
      get: {
        operationId: 'listRepositories',
        summary: 'List the repositories of a project',
        description: LIST_DESCRIPTION,
        tags: REPOSITORY,
        parameters: [PROJECT_NAME, parameterRef('Query'), parameterRef('Sort'), ...PAGING],
        responses: {
          '200': pagedResponse('One page of the project’s repositories.', schemaRef('Repository')),
          ...errors(400, 403, 404),
        },
      },
    },
    '/projects/{project_name}/repositories/{repository_name}': {
      get: {
        operationId: 'getRepository',
        summary: 'A repository',
        tags: REPOSITORY,
        parameters: [PROJECT_NAME, REPOSITORY_NAME],
        responses: { '200': jsonResponse('The repository.', schemaRef('Repository')), ...errors(400, 403, 404) },
      },
      put: {
        operationId: 'updateRepository',
        summary: 'Change a repository’s description',
        description: 'Only `description` is read; other fields are ignored, and leaving it out clears it.',
        tags: REPOSITORY,
        parameters: [PROJECT_NAME, REPOSITORY_NAME],
        requestBody: jsonBody('The new description.', schemaRef('RepositoryUpdate')),
        responses: { '200': emptyResponse('Changed.'), ...errors(400, 403, 404) },
      },
      delete: {
        operationId: 'deleteRepository',
        summary: 'Delete a repository with all its artifacts and tags',
        description: 'The registry (/v2) no longer serves the repository afterwards.',
        tags: REPOSITORY,
        parameters: [PROJECT_NAME, REPOSITORY_NAME],
        responses: { '200': emptyResponse('Deleted.'), ...errors(400, 403, 404) },
      },
    },
  },
  schemas: {
    Repository: {
      type: 'object',
      required: [
        'id',
        'project_id',
        'name',
        'description',
        'artifact_count',
        'pull_count',
        'creation_time',
        'update_time',
      ],
      properties: {
        id: integerId('The repository’s id.'),
        project_id: integerId('The id of its project.'),
        name: { type: 'string', description: 'The full name, project first (`library/app`).' },
        description: { type: 'string', description: 'Empty when it has none.' },
        artifact_count: {
          type: 'integer',
          format: 'int64',
          description: 'How many artifacts its artifact list shows by default.',
        },
        pull_count: { type: 'integer', format: 'int64', description: 'How many times a manifest was pulled.' },
        creation_time: dateTime('When the first push created it.'),
        update_time: dateTime('The latest creation, description change, or manifest or tag push.'),
      },
    },
    RepositoryUpdate: {
      type: 'object',
      properties: { description: { type: 'string', maxLength: 1024, description: 'The new description.' } },
    },
  },
};
