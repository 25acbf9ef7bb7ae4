import {
  PAGING,
  createdResponse,
  emptyResponse,
  errors,
  integerId,
  jsonBody,
  jsonResponse,
  pagedResponse,
  pathParameter,
  schemaRef,
  type ApiArea,
  type SchemaObject,
} from './common.js';

const USERGROUP = ['usergroup'];
const AT_GROUP = [pathParameter('group_id', 'The group’s id.', { type: 'integer', format: 'int64', minimum: 1 })];
const GROUP_TYPE: SchemaObject = {
  type: 'integer',
  enum: [1, 2, 3],
  description: '1 an LDAP group, 2 an HTTP (authenticating proxy) group, 3 an OIDC group.',
};

/** /usergroups: groups of the identity providers, which can be project members. */
export const USER_GROUPS_AREA: ApiArea = {
  tag: {
    name: 'usergroup',
    description: 'User groups of LDAP, an authenticating proxy or OIDC; a group member of a project gives its role.',
  },
  paths: {
    '/usergroups': {
      get: {
        operationId: 'listUserGroups',
        summary: 'List user groups',
        description: 'System administrators only.',
        tags: USERGROUP,
        parameters: [
          ...PAGING,
          {
            name: 'ldap_group_dn',
            in: 'query',
            description: 'An LDAP group’s DN (exact, case-insensitive).',
            schema: { type: 'string' },
          },
          {
            name: 'group_name',
            in: 'query',
            description: 'Part of the name (case-insensitive).',
            schema: { type: 'string' },
          },
        ],
        responses: { '200': pagedResponse('One page of groups.', schemaRef('UserGroup')), ...errors(401, 403) },
      },
      post: {
        operationId: 'createUserGroup',
        summary: 'Create a user group',
        description: 'An LDAP group needs its DN (its name defaults to the DN); the others a name. 409 when it exists.',
        tags: USERGROUP,
        requestBody: jsonBody('The group.', schemaRef('UserGroup')),
        responses: { '201': createdResponse('Created.'), ...errors(400, 401, 403, 409) },
      },
    },
    '/usergroups/search': {
      get: {
        operationId: 'searchUserGroups',
        summary: 'Search user groups by name',
        description: 'Open to every authenticated caller (to add a group as a project member).',
        tags: USERGROUP,
        parameters: [
          ...PAGING,
          {
            name: 'groupname',
            in: 'query',
            required: true,
            description: 'Part of the name.',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': pagedResponse('One page of groups.', schemaRef('UserGroupSearchItem')),
          ...errors(400, 401),
        },
      },
    },
    '/usergroups/{group_id}': {
      get: {
        operationId: 'getUserGroup',
        summary: 'A user group',
        tags: USERGROUP,
        parameters: AT_GROUP,
        responses: { '200': jsonResponse('The group.', schemaRef('UserGroup')), ...errors(400, 401, 403, 404) },
      },
      put: {
        operationId: 'updateUserGroup',
        summary: 'Rename a user group',
        description: 'Only `group_name` changes.',
        tags: USERGROUP,
        parameters: AT_GROUP,
        requestBody: jsonBody('The new name.', schemaRef('UserGroup')),
        responses: { '200': emptyResponse('Renamed.'), ...errors(400, 401, 403, 404, 409) },
      },
      delete: {
        operationId: 'deleteUserGroup',
        summary: 'Delete a user group',
        description: 'Its project memberships go with it.',
        tags: USERGROUP,
        parameters: AT_GROUP,
        responses: { '200': emptyResponse('Deleted.'), ...errors(400, 401, 403, 404) },
      },
    },
  },
  schemas: {
    UserGroup: {
      type: 'object',
      properties: {
        id: integerId('The group’s id.'),
        group_name: { type: 'string' },
        group_type: GROUP_TYPE,
        ldap_group_dn: { type: 'string', description: 'LDAP groups only.' },
      },
    },
    UserGroupSearchItem: {
      type: 'object',
      required: ['id', 'group_name', 'group_type'],
      properties: { id: integerId('The group’s id.'), group_name: { type: 'string' }, group_type: GROUP_TYPE },
    },
  },
};
