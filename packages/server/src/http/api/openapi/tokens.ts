import {
  PAGING,
  createdJsonResponse,
  dateTime,
  emptyResponse,
  errors,
  integerId,
  jsonBody,
  pagedResponse,
  parameterRef,
  pathParameter,
  schemaRef,
  type ApiArea,
  type SchemaObject,
} from './common.js';

const USER_ID = pathParameter('user_id', 'The token owner’s user id.', {
  type: 'integer',
  format: 'int64',
  minimum: 1,
});
const TOKEN_ID = pathParameter('token_id', 'The personal access token’s id.', {
  type: 'integer',
  format: 'int64',
  minimum: 1,
});
const TOKEN = ['personal-token'];

const EXPIRES_AT: SchemaObject = {
  type: 'integer',
  format: 'int64',
  description: 'When the token expires, in seconds since the Unix epoch; -1 for never.',
};
const PERMISSIONS: SchemaObject = {
  type: 'array',
  items: schemaRef('RobotPermission'),
  description:
    'The scope, in the shape of a robot’s permissions: blocks of kind `project` (a project name, or `*` for every ' +
    'project) or `system` (namespace `/`), listing exact `resource`/`action` pairs (no wildcards, no `deny`).',
};

/** Personal access tokens (Wharf's own, beyond Harbor). */
export const TOKENS_AREA: ApiArea = {
  tag: {
    name: 'personal-token',
    description:
      'Personal access tokens (Wharf’s, beyond Harbor): a user’s own secrets for `docker login` and HTTP Basic, ' +
      'each with a name, an expiry and a scope no wider than the user’s rights.',
  },
  paths: {
    '/users/{user_id}/tokens': {
      get: {
        operationId: 'listUserTokens',
        summary: 'List a user’s personal access tokens',
        description: 'The user themself (signed in otherwise than with a token), or a system administrator.',
        tags: TOKEN,
        parameters: [USER_ID, ...PAGING],
        responses: {
          '200': pagedResponse('One page of tokens, newest first.', schemaRef('PersonalToken')),
          ...errors(400, 403, 404),
        },
      },
      post: {
        operationId: 'createUserToken',
        summary: 'Create a personal access token',
        description:
          'Only the user themself, signed in otherwise than with a token. Every pair of the scope must be one the ' +
          'user holds now (400 otherwise); at use, the token may do what both its scope and the user’s rights at ' +
          'that time allow. The secret is returned only here.',
        tags: TOKEN,
        parameters: [USER_ID],
        requestBody: jsonBody('The new token.', schemaRef('PersonalTokenCreate')),
        responses: {
          '201': createdJsonResponse('Created; the body holds the secret.', schemaRef('PersonalTokenCreated')),
          ...errors(400, 403, 409),
        },
      },
    },
    '/users/{user_id}/tokens/{token_id}': {
      delete: {
        operationId: 'deleteUserToken',
        summary: 'Revoke a personal access token',
        description:
          'The user themself or a system administrator. The token is deleted and stops working at once, as do the ' +
          'registry tokens issued from it.',
        tags: TOKEN,
        parameters: [USER_ID, TOKEN_ID],
        responses: { '200': emptyResponse('Revoked.'), ...errors(400, 403, 404) },
      },
    },
    '/tokens': {
      get: {
        operationId: 'listTokens',
        summary: 'List every user’s personal access tokens',
        description: 'System administrators only. `q` key: `owner_name` (`owner_name=alice` or `owner_name=~ali`).',
        tags: TOKEN,
        parameters: [parameterRef('Query'), ...PAGING],
        responses: {
          '200': pagedResponse('One page of tokens, newest first.', schemaRef('PersonalToken')),
          ...errors(400, 403),
        },
      },
    },
  },
  schemas: {
    PersonalToken: {
      type: 'object',
      description: 'A personal access token; its secret is never shown again.',
      required: [
        'id',
        'name',
        'description',
        'permissions',
        'creation_time',
        'expires_at',
        'last_used_time',
        'owner_id',
        'owner_name',
      ],
      properties: {
        id: integerId('The token’s id.'),
        name: { type: 'string', description: 'Unique among the owner’s tokens.' },
        description: { type: 'string' },
        permissions: PERMISSIONS,
        creation_time: dateTime('When the token was created.'),
        expires_at: EXPIRES_AT,
        last_used_time: {
          type: 'string',
          format: 'date-time',
          nullable: true,
          description: 'When the token last authenticated a request (to within a minute); null before its first use.',
        },
        owner_id: integerId('The owner’s user id.'),
        owner_name: { type: 'string', description: 'The owner’s username, which logs in with the token.' },
      },
    },
    PersonalTokenCreate: {
      type: 'object',
      required: ['name', 'duration', 'permissions'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 100, description: 'Unique among the user’s tokens.' },
        description: { type: 'string', maxLength: 1024 },
        duration: {
          type: 'integer',
          format: 'int64',
          minimum: -1,
          description: 'Lifetime in days from creation; -1 for a token that never expires.',
        },
        permissions: PERMISSIONS,
      },
    },
    PersonalTokenCreated: {
      type: 'object',
      required: ['id', 'name', 'secret', 'creation_time', 'expires_at'],
      properties: {
        id: integerId('The token’s id.'),
        name: { type: 'string' },
        secret: {
          type: 'string',
          description: 'The secret (`wharf_pat_…`), shown only here: the password for `docker login` and HTTP Basic.',
        },
        creation_time: dateTime('When the token was created.'),
        expires_at: EXPIRES_AT,
      },
    },
  },
};
