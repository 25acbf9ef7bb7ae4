import {
  PAGING,
  PROJECT_AT,
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
} from './common.js';
import { ROLE_ID } from './projects.js';

const MEMBER = ['member'];
const AT_MEMBER = [
  ...PROJECT_AT,
  pathParameter('mid', 'The membership’s id.', { type: 'integer', format: 'int64', minimum: 1 }),
];

/** /projects/{p}/members: who holds which role in a project. */
export const MEMBERS_AREA: ApiArea = {
  tag: { name: 'member', description: 'Project members: the users that hold a role in a project.' },
  paths: {
    '/projects/{project_name_or_id}/members': {
      get: {
        operationId: 'listProjectMembers',
        summary: 'List a project’s members',
        tags: MEMBER,
        parameters: [
          ...PROJECT_AT,
          ...PAGING,
          {
            name: 'entityname',
            in: 'query',
            description: 'Part of the member’s name (case-insensitive).',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': pagedResponse('One page of members.', schemaRef('ProjectMemberEntity')),
          ...errors(400, 403, 404),
        },
      },
      post: {
        operationId: 'createProjectMember',
        summary: 'Add a user or a user group to a project',
        description:
          'A group by `member_group.id`, or by `group_type` and `group_name` (LDAP: `ldap_group_dn`), created when unknown.',
        tags: MEMBER,
        parameters: PROJECT_AT,
        requestBody: jsonBody('The user and the role.', schemaRef('ProjectMember')),
        responses: { '201': createdResponse('Added.'), ...errors(400, 403, 404, 409) },
      },
    },
    '/projects/{project_name_or_id}/members/{mid}': {
      get: {
        operationId: 'getProjectMember',
        summary: 'A membership',
        tags: MEMBER,
        parameters: AT_MEMBER,
        responses: {
          '200': jsonResponse('The membership.', schemaRef('ProjectMemberEntity')),
          ...errors(400, 403, 404),
        },
      },
      put: {
        operationId: 'updateProjectMember',
        summary: 'Change a member’s role',
        description: 'Nobody changes their own role.',
        tags: MEMBER,
        parameters: AT_MEMBER,
        requestBody: jsonBody('The new role.', schemaRef('RoleRequest')),
        responses: { '200': emptyResponse('Changed.'), ...errors(400, 403, 404) },
      },
      delete: {
        operationId: 'deleteProjectMember',
        summary: 'Remove a member',
        description: 'Nobody removes their own membership.',
        tags: MEMBER,
        parameters: AT_MEMBER,
        responses: { '200': emptyResponse('Removed.'), ...errors(400, 403, 404) },
      },
    },
  },
  schemas: {
    ProjectMemberEntity: {
      type: 'object',
      required: ['id', 'project_id', 'entity_name', 'role_name', 'role_id', 'entity_id', 'entity_type'],
      properties: {
        id: integerId('The membership’s id.'),
        project_id: integerId('The project’s id.'),
        entity_name: { type: 'string', description: 'The username, or the group’s name.' },
        role_name: { type: 'string', enum: ['Project Admin', 'Maintainer', 'Developer', 'Guest', 'Limited Guest'] },
        role_id: ROLE_ID,
        entity_id: integerId('The user’s (or group’s) id.'),
        entity_type: { type: 'string', enum: ['u', 'g'], description: '`u` for a user, `g` for a group.' },
      },
    },
    ProjectMember: {
      type: 'object',
      required: ['role_id'],
      description: 'Either `member_user` or `member_group`.',
      properties: {
        role_id: ROLE_ID,
        member_user: schemaRef('UserEntity'),
        member_group: {
          type: 'object',
          nullable: true,
          description: 'A user group: by `id`, or by `group_type` and `group_name` (LDAP: `ldap_group_dn`).',
          properties: {
            id: integerId('The group’s id.'),
            group_name: { type: 'string' },
            group_type: { type: 'integer', enum: [1, 2, 3] },
            ldap_group_dn: { type: 'string' },
          },
        },
      },
    },
    UserEntity: {
      type: 'object',
      description: 'A user by id or by name; the id wins when both are given.',
      properties: {
        user_id: integerId('The user’s id.'),
        username: { type: 'string' },
      },
    },
    RoleRequest: {
      type: 'object',
      required: ['role_id'],
      properties: { role_id: ROLE_ID },
    },
  },
};
