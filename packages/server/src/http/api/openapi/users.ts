import {
  PAGING,
  createdResponse,
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
} from './common.js';

const USER_ID = pathParameter('user_id', 'The user’s id.', { type: 'integer', format: 'int64', minimum: 1 });
const USER = ['user'];

/** /users: local user accounts. */
export const USERS_AREA: ApiArea = {
  tag: { name: 'user', description: 'Local user accounts: administration and self-service.' },
  paths: {
    '/users': {
      get: {
        operationId: 'listUsers',
        summary: 'List users (administrators)',
        description: '`q` keys: `username`, `email`. `sort` keys: `user_id`, `username`, `email`, `creation_time`.',
        tags: USER,
        parameters: [parameterRef('Query'), parameterRef('Sort'), ...PAGING],
        responses: { '200': pagedResponse('One page of users.', schemaRef('UserResp')), ...errors(400, 403) },
      },
      post: {
        operationId: 'createUser',
        summary: 'Create a user',
        description: 'Administrators always; anyone else only while self-registration is on (never as administrator).',
        tags: USER,
        security: [{}, { basic: [] }, { session: [] }],
        requestBody: jsonBody('The new user.', schemaRef('UserCreationReq')),
        responses: { '201': createdResponse('Created.'), ...errors(400, 403, 409) },
      },
    },
    '/users/current': {
      get: {
        operationId: 'getCurrentUserInfo',
        summary: 'The signed-in user',
        tags: USER,
        responses: { '200': jsonResponse('The caller’s account.', schemaRef('UserResp')), ...errors() },
      },
    },
    '/users/search': {
      get: {
        operationId: 'searchUsers',
        summary: 'Find users by name',
        description: 'Any signed-in user; matches a substring of the username.',
        tags: USER,
        parameters: [
          {
            name: 'username',
            in: 'query',
            required: true,
            description: 'Part of the username.',
            schema: { type: 'string' },
          },
          ...PAGING,
        ],
        responses: {
          '200': pagedResponse('One page of matching users.', schemaRef('UserSearchRespItem')),
          ...errors(400),
        },
      },
    },
    '/users/{user_id}': {
      get: {
        operationId: 'getUser',
        summary: 'A user',
        description: 'Administrators, or the user themselves.',
        tags: USER,
        parameters: [USER_ID],
        responses: { '200': jsonResponse('The user.', schemaRef('UserResp')), ...errors(400, 403, 404) },
      },
      put: {
        operationId: 'updateUserProfile',
        summary: 'Update a user’s profile',
        description: 'Administrators, or the user themselves.',
        tags: USER,
        parameters: [USER_ID],
        requestBody: jsonBody('The fields to change.', schemaRef('UserProfile')),
        responses: { '200': emptyResponse('Updated.'), ...errors(400, 403, 404) },
      },
      delete: {
        operationId: 'deleteUser',
        summary: 'Delete a user (administrators; not oneself)',
        tags: USER,
        parameters: [USER_ID],
        responses: { '200': emptyResponse('Deleted.'), ...errors(400, 403, 404) },
      },
    },
    '/users/{user_id}/password': {
      put: {
        operationId: 'updateUserPassword',
        summary: 'Change a password',
        description: 'Users change their own with the old one; administrators set anyone else’s without it.',
        tags: USER,
        parameters: [USER_ID],
        requestBody: jsonBody('The old and the new password.', schemaRef('PasswordReq')),
        responses: { '200': emptyResponse('Changed.'), ...errors(400, 403, 404) },
      },
    },
    '/users/{user_id}/sysadmin': {
      put: {
        operationId: 'setUserSysAdmin',
        summary: 'Grant or revoke administration (administrators; not oneself)',
        tags: USER,
        parameters: [USER_ID],
        requestBody: jsonBody('The new flag.', schemaRef('UserSysAdminFlag')),
        responses: { '200': emptyResponse('Changed.'), ...errors(400, 403, 404) },
      },
    },
  },
  schemas: {
    UserResp: {
      type: 'object',
      required: [
        'user_id',
        'username',
        'email',
        'realname',
        'comment',
        'sysadmin_flag',
        'admin_role_in_auth',
        'creation_time',
        'update_time',
      ],
      properties: {
        user_id: integerId('The user’s id.'),
        username: { type: 'string' },
        email: { type: 'string', description: 'Empty when the user has none.' },
        realname: { type: 'string' },
        comment: { type: 'string' },
        sysadmin_flag: { type: 'boolean', description: 'Whether the user is a system administrator.' },
        admin_role_in_auth: { type: 'boolean', description: 'Always false (no external authentication yet).' },
        creation_time: dateTime('When the account was created.'),
        update_time: dateTime('When the account last changed.'),
        oidc_user_meta: schemaRef('OIDCUserInfo'),
      },
    },
    OIDCUserInfo: {
      type: 'object',
      description: 'Under oidc_auth, for users onboarded through the OpenID provider.',
      required: ['id', 'user_id', 'subiss', 'creation_time', 'update_time'],
      properties: {
        id: integerId('The record’s id (the user’s).'),
        user_id: integerId('The user’s id.'),
        subiss: { type: 'string', description: 'The ID token’s subject and issuer, concatenated.' },
        secret: {
          type: 'string',
          description: 'The CLI secret (a password for docker and the API); only in the user’s own answers.',
        },
        creation_time: dateTime('When the user was onboarded.'),
        update_time: dateTime('When the secret or tokens last changed.'),
      },
    },
    UserSearchRespItem: {
      type: 'object',
      required: ['user_id', 'username'],
      properties: { user_id: integerId('The user’s id.'), username: { type: 'string' } },
    },
    UserCreationReq: {
      type: 'object',
      required: ['username', 'password'],
      properties: {
        username: { type: 'string', minLength: 1, maxLength: 255, description: 'No white space nor `,~#$%`.' },
        password: {
          type: 'string',
          minLength: 8,
          maxLength: 128,
          description: 'With an upper-case letter, a lower-case letter and a digit.',
        },
        email: { type: 'string', maxLength: 255, description: 'Unique; empty for none.' },
        realname: { type: 'string', maxLength: 255 },
        comment: { type: 'string', maxLength: 30 },
      },
    },
    UserProfile: {
      type: 'object',
      properties: {
        email: { type: 'string', maxLength: 255, description: 'Unique; empty for none.' },
        realname: { type: 'string', maxLength: 255 },
        comment: { type: 'string', maxLength: 30 },
      },
    },
    PasswordReq: {
      type: 'object',
      required: ['new_password'],
      properties: {
        old_password: { type: 'string', description: 'Required when changing one’s own password.' },
        new_password: { type: 'string', minLength: 8, maxLength: 128 },
      },
    },
    UserSysAdminFlag: {
      type: 'object',
      required: ['sysadmin_flag'],
      properties: { sysadmin_flag: { type: 'boolean' } },
    },
  },
};
