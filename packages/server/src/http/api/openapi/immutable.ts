import {
  PAGING,
  PROJECT_AT,
  createdResponse,
  emptyResponse,
  errors,
  integerId,
  jsonBody,
  pagedResponse,
  parameterRef,
  pathParameter,
  schemaRef,
  type ApiArea,
} from './common.js';

const IMMUTABLE = ['immutable'];
const AT_RULE = [
  ...PROJECT_AT,
  pathParameter('immutable_rule_id', 'The rule’s id.', { type: 'integer', format: 'int64', minimum: 1 }),
];

/** /projects/{p}/immutabletagrules: tags that may not be moved or deleted. */
export const IMMUTABLE_AREA: ApiArea = {
  tag: {
    name: 'immutable',
    description:
      'Immutable tag rules: a tag that an enabled rule of its project selects cannot be pushed over with another ' +
      'manifest, nor deleted (alone, with its artifact or with its repository); such requests get 412.',
  },
  paths: {
    '/projects/{project_name_or_id}/immutabletagrules': {
      get: {
        operationId: 'ListImmuRules',
        summary: 'List a project’s immutable tag rules',
        tags: IMMUTABLE,
        parameters: [...PROJECT_AT, ...PAGING, parameterRef('Query'), parameterRef('Sort')],
        responses: {
          '200': pagedResponse('One page of rules, in id order.', schemaRef('ImmutableRule')),
          ...errors(400, 403, 404),
        },
      },
      post: {
        operationId: 'CreateImmuRule',
        summary: 'Add an immutable tag rule',
        description: 'At most 15 rules per project; the same selectors twice are 409.',
        tags: IMMUTABLE,
        parameters: PROJECT_AT,
        requestBody: jsonBody('The rule.', schemaRef('ImmutableRule')),
        responses: { '201': createdResponse('Created.'), ...errors(400, 403, 404, 409) },
      },
    },
    '/projects/{project_name_or_id}/immutabletagrules/{immutable_rule_id}': {
      put: {
        operationId: 'UpdateImmuRule',
        summary: 'Change, enable or disable an immutable tag rule',
        description:
          'The body’s `id`, when given, must be the path’s. As in Harbor, a body that changes `disabled` only ' +
          'enables or disables the rule.',
        tags: IMMUTABLE,
        parameters: AT_RULE,
        requestBody: jsonBody('The rule.', schemaRef('ImmutableRule')),
        responses: { '200': emptyResponse('Changed.'), ...errors(400, 403, 404, 409) },
      },
      delete: {
        operationId: 'DeleteImmuRule',
        summary: 'Delete an immutable tag rule',
        tags: IMMUTABLE,
        parameters: AT_RULE,
        responses: { '200': emptyResponse('Deleted.'), ...errors(400, 403, 404) },
      },
    },
  },
  schemas: {
    ImmutableRule: {
      type: 'object',
      required: ['id', 'priority', 'disabled', 'action', 'template', 'tag_selectors', 'scope_selectors'],
      properties: {
        id: integerId('The rule’s id (ignored on create).'),
        priority: { type: 'integer', description: 'Kept as given; every enabled rule applies.' },
        disabled: { type: 'boolean', description: 'A disabled rule protects nothing.' },
        action: { type: 'string', enum: ['immutable'] },
        template: { type: 'string', enum: ['immutable_template'] },
        params: { type: 'object', additionalProperties: { type: 'object' } },
        tag_selectors: {
          type: 'array',
          description: 'The first selects the tags (`matches` or `excludes`).',
          items: schemaRef('ImmutableSelector'),
        },
        scope_selectors: {
          type: 'object',
          required: ['repository'],
          properties: {
            repository: {
              type: 'array',
              description:
                'The first selects the repositories (`repoMatches` or `repoExcludes`), by name without the project.',
              items: schemaRef('ImmutableSelector'),
            },
          },
        },
      },
    },
    ImmutableSelector: {
      type: 'object',
      required: ['kind', 'decoration', 'pattern'],
      properties: {
        kind: { type: 'string', enum: ['doublestar'] },
        decoration: { type: 'string', enum: ['matches', 'excludes', 'repoMatches', 'repoExcludes'] },
        pattern: {
          type: 'string',
          description: 'A doublestar pattern: `*`, `**` (across `/`), `?`, `[a-z]`, `{a,b}` alternatives.',
        },
        extras: { type: 'string' },
      },
    },
  },
};
