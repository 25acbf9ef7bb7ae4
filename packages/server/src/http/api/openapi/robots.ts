import {
  PAGING,
  createdJsonResponse,
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
  type SchemaObject,
} from './common.js';

const ROBOT_ID = pathParameter('robot_id', 'The robot account’s id.', { type: 'integer', format: 'int64', minimum: 1 });
const ROBOT = ['robot'];

const LEVEL: SchemaObject = {
  type: 'string',
  enum: ['system', 'project'],
  description: '`system` robots may act on the whole registry; `project` robots belong to one project.',
};
const DURATION: SchemaObject = {
  type: 'integer',
  format: 'int64',
  minimum: -1,
  description: 'Lifetime in days from creation; -1 for an account that never expires.',
};
const DESCRIPTION: SchemaObject = { type: 'string', maxLength: 1024 };
const PERMISSIONS: SchemaObject = {
  type: 'array',
  items: schemaRef('RobotPermission'),
  description: 'What the account may do. A project robot has exactly one entry, of kind `project`.',
};

/** /robots: robot accounts, system-wide or of one project. */
export const ROBOTS_AREA: ApiArea = {
  tag: { name: 'robot', description: 'Robot accounts: credentials for automation, system-wide or per project.' },
  paths: {
    '/robots': {
      get: {
        operationId: 'listRobots',
        summary: 'List robot accounts',
        description:
          'Without `q`, the system robots. `q` keys: `Level` (`system` or `project`), `ProjectID` (with ' +
          '`Level=project`), `name` (the full name, or `name=~part`). `sort` keys: `id`, `name`, ' +
          '`creation_time`, `update_time`.',
        tags: ROBOT,
        parameters: [parameterRef('Query'), parameterRef('Sort'), ...PAGING],
        responses: {
          '200': pagedResponse('One page of robot accounts.', schemaRef('Robot')),
          ...errors(400, 403, 404),
        },
      },
      post: {
        operationId: 'createRobot',
        summary: 'Create a robot account',
        description:
          'The caller needs the permission to create robots at that level, and must itself hold every access it ' +
          'grants. The secret is returned only here.',
        tags: ROBOT,
        requestBody: jsonBody('The new robot account.', schemaRef('RobotCreate')),
        responses: {
          '201': createdJsonResponse('Created; the body holds the secret.', schemaRef('RobotCreated')),
          ...errors(400, 403, 404, 409),
        },
      },
    },
    '/robots/{robot_id}': {
      get: {
        operationId: 'getRobot',
        summary: 'A robot account',
        tags: ROBOT,
        parameters: [ROBOT_ID],
        responses: { '200': jsonResponse('The robot account.', schemaRef('Robot')), ...errors(400, 403, 404) },
      },
      put: {
        operationId: 'updateRobot',
        summary: 'Update a robot account',
        description:
          'Changes the description, the disabled flag, the lifetime (counted from creation) and the permissions. ' +
          'The name and level cannot change: if given, they must repeat the stored ones.',
        tags: ROBOT,
        parameters: [ROBOT_ID],
        requestBody: jsonBody('The fields to change.', schemaRef('RobotUpdate')),
        responses: { '200': emptyResponse('Updated.'), ...errors(400, 403, 404) },
      },
      patch: {
        operationId: 'refreshRobotSecret',
        summary: 'Replace a robot account’s secret',
        description:
          'Without a body, or without `secret`, Wharf generates a new secret and returns it. A chosen secret must ' +
          'satisfy the password rules and is not echoed back.',
        tags: ROBOT,
        parameters: [ROBOT_ID],
        requestBody: { ...jsonBody('The chosen secret, if any.', schemaRef('RobotSec')), required: false },
        responses: {
          '200': jsonResponse('The generated secret, or an empty object.', schemaRef('RobotSec')),
          ...errors(400, 403, 404),
        },
      },
      delete: {
        operationId: 'deleteRobot',
        summary: 'Delete a robot account',
        tags: ROBOT,
        parameters: [ROBOT_ID],
        responses: { '200': emptyResponse('Deleted.'), ...errors(400, 403, 404) },
      },
    },
  },
  schemas: {
    Robot: {
      type: 'object',
      description: 'A robot account; its secret is never shown.',
      required: [
        'id',
        'name',
        'description',
        'level',
        'duration',
        'editable',
        'disable',
        'expires_at',
        'permissions',
        'creation_time',
        'update_time',
      ],
      properties: {
        id: integerId('The robot account’s id.'),
        name: {
          type: 'string',
          description: 'The full name, used to log in: `robot$<name>`, or `robot$<project>+<name>` for a project.',
        },
        description: { type: 'string' },
        level: LEVEL,
        duration: DURATION,
        editable: { type: 'boolean', description: 'Always true.' },
        disable: { type: 'boolean', description: 'Whether the account is disabled.' },
        expires_at: {
          type: 'integer',
          format: 'int64',
          description: 'When the account expires, in seconds since the Unix epoch; -1 for never.',
        },
        permissions: PERMISSIONS,
        creator_type: {
          type: 'string',
          enum: ['local', 'robot'],
          description: 'Whether a user or another robot created it; absent when unknown.',
        },
        creation_time: dateTime('When the account was created.'),
        update_time: dateTime('When the account last changed.'),
      },
    },
    RobotPermission: {
      type: 'object',
      required: ['kind', 'namespace', 'access'],
      properties: {
        kind: { type: 'string', enum: ['system', 'project'], description: 'The scope of the accesses.' },
        namespace: {
          type: 'string',
          description: '`/` for kind `system`; a project name, or `*` for every project, for kind `project`.',
        },
        access: { type: 'array', items: schemaRef('Access') },
      },
    },
    Access: {
      type: 'object',
      required: ['resource', 'action'],
      properties: {
        resource: { type: 'string', description: 'A resource of the scope, such as `repository`.' },
        action: { type: 'string', description: 'An action on it, such as `pull`.' },
        effect: { type: 'string', enum: ['allow', 'deny'], description: 'Absent means `allow`.' },
      },
    },
    RobotCreate: {
      type: 'object',
      required: ['name', 'level', 'duration', 'permissions'],
      properties: {
        name: {
          type: 'string',
          minLength: 1,
          description: 'The short name: lower-case letters and digits, in words joined by one `.`, `_` or `-`.',
        },
        description: DESCRIPTION,
        secret: {
          type: 'string',
          description: 'A chosen secret (it must satisfy the password rules); omit it to have one generated.',
        },
        level: LEVEL,
        disable: { type: 'boolean', default: false },
        duration: DURATION,
        permissions: PERMISSIONS,
      },
    },
    RobotUpdate: {
      type: 'object',
      description: 'Every field is optional; `null` leaves a field as it is.',
      properties: {
        name: { type: 'string', description: 'Only the stored full name.' },
        level: { ...LEVEL, description: 'Only the stored level.' },
        description: { ...DESCRIPTION, nullable: true },
        disable: { type: 'boolean', nullable: true },
        duration: { ...DURATION, nullable: true },
        permissions: { ...PERMISSIONS, nullable: true },
      },
    },
    RobotCreated: {
      type: 'object',
      required: ['id', 'name', 'secret', 'creation_time', 'expires_at'],
      properties: {
        id: integerId('The new account’s id.'),
        name: { type: 'string', description: 'The full name, used to log in.' },
        secret: { type: 'string', description: 'The secret, shown only this once.' },
        creation_time: dateTime('When the account was created.'),
        expires_at: {
          type: 'integer',
          format: 'int64',
          description: 'When the account expires, in seconds since the Unix epoch; -1 for never.',
        },
      },
    },
    RobotSec: {
      type: 'object',
      properties: { secret: { type: 'string', description: 'A robot account’s secret.' } },
    },
  },
};
