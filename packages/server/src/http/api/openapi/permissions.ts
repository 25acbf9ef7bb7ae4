import { errors, jsonResponse, schemaRef, type ApiArea } from './common.js';
import { USERS_AREA } from './users.js';

/** GET /users/current/permissions: what the caller may do (under the `user` tag, beside the other /users routes). */
export const PERMISSIONS_AREA: ApiArea = {
  tag: USERS_AREA.tag,
  paths: {
    '/users/current/permissions': {
      get: {
        operationId: 'getCurrentUserPermissions',
        summary: 'What the caller may do in a scope',
        description:
          'Every known (resource, action) pair of the scope that the caller, a user or a robot account, is ' +
          'allowed. A scope that names nothing known, or a project that does not exist, gives an empty list.',
        tags: [USERS_AREA.tag.name],
        parameters: [
          {
            name: 'scope',
            in: 'query',
            description: '`/system` (the default) or `/project/<project id>`.',
            schema: { type: 'string', default: '/system' },
          },
          {
            name: 'relative',
            in: 'query',
            description:
              'List resources relative to the scope (`repository`, and `.` for the project itself) rather than ' +
              'under it (`/project/3/repository`, `/project/3`).',
            schema: { type: 'boolean', default: false },
          },
        ],
        responses: {
          '200': jsonResponse('The allowed pairs.', { type: 'array', items: schemaRef('Permission') }),
          ...errors(400),
        },
      },
    },
  },
  schemas: {
    Permission: {
      type: 'object',
      required: ['resource', 'action'],
      properties: {
        resource: { type: 'string', description: 'The resource, under the scope or relative to it.' },
        action: { type: 'string', description: 'What may be done to it, such as `read` or `push`.' },
      },
    },
  },
};
