import {
  createdResponse,
  dateTime,
  emptyResponse,
  errors,
  integerId,
  jsonBody,
  jsonResponse,
  pagedResponse,
  PAGING,
  parameterRef,
  pathParameter,
  schemaRef,
  type ApiArea,
} from './common.js';

const AUDIT = ['auditlog'];
const PROJECT = ['project'];
const PROJECT_NAME = pathParameter('project_name', 'The project’s name.', { type: 'string', minLength: 1 });
const LIST = [parameterRef('Query'), parameterRef('Sort'), ...PAGING];
const Q_HELP =
  '`q` keys: `username`, `operation`, `resource`, `resource_type`, `event_type` (exact, `~` substring, `{a b}` ' +
  'any of), `op_time=[from~to]` (`2006-01-02 15:04:05` UTC, ISO 8601 or epoch seconds). `sort`: `op_time` (default ' +
  '`-op_time`), `username`, `operation`, `resource`, `resource_type`, `id`.';

/** Harbor's `auditlog` tag, and the project's own logs under its `project` tag. */
export const AUDIT_AREA: ApiArea = {
  tag: {
    name: 'auditlog',
    description:
      'The audit log: who did what, when, from where, and whether it succeeded. System administrators see every ' +
      'record; other users the records of projects whose log they may list (project administrators).',
  },
  paths: {
    '/audit-logs': {
      get: {
        operationId: 'listAuditLogs',
        summary: 'Audit records (legacy view)',
        description: `Records of repository content (artifacts, tags, repositories, projects), newest first. ${Q_HELP}`,
        tags: AUDIT,
        parameters: LIST,
        responses: { '200': pagedResponse('One page of records.', schemaRef('AuditLog')), ...errors(400) },
      },
    },
    '/auditlog-exts': {
      get: {
        operationId: 'listAuditLogExts',
        summary: 'Audit records',
        description: `Every record, with its description and result, newest first. ${Q_HELP}`,
        tags: AUDIT,
        parameters: LIST,
        responses: { '200': pagedResponse('One page of records.', schemaRef('AuditLogExt')), ...errors(400) },
      },
    },
    '/auditlog-exts/events': {
      get: {
        operationId: 'listAuditLogEventTypes',
        summary: 'Audit event types',
        description: 'The event types records carry (`<operation>_<resource type>`), Harbor’s first.',
        tags: AUDIT,
        responses: {
          '200': jsonResponse('The event types.', { type: 'array', items: schemaRef('AuditLogEventType') }),
          ...errors(),
        },
      },
    },
    '/projects/{project_name}/logs': {
      get: {
        operationId: 'getLogs',
        summary: 'A project’s audit records (legacy view)',
        description: `The project’s records of repository content; needs the project's log list permission. ${Q_HELP}`,
        tags: PROJECT,
        parameters: [PROJECT_NAME, ...LIST],
        responses: { '200': pagedResponse('One page of records.', schemaRef('AuditLog')), ...errors(400, 403, 404) },
      },
    },
    '/projects/{project_name}/auditlog-exts': {
      get: {
        operationId: 'getLogExts',
        summary: 'A project’s audit records',
        description: `Every record of the project; needs the project's log list permission. ${Q_HELP}`,
        tags: PROJECT,
        parameters: [PROJECT_NAME, ...LIST],
        responses: {
          '200': pagedResponse('One page of records.', schemaRef('AuditLogExt')),
          ...errors(400, 403, 404),
        },
      },
    },
  },
  schemas: {
    AuditLog: {
      type: 'object',
      properties: {
        id: integerId('The record id.'),
        username: { type: 'string', description: 'Who: a user, a robot’s full name, `anonymous`, or a system job.' },
        resource: { type: 'string', description: 'What, e.g. `library/app:1.0` or `library/app@sha256:…`.' },
        resource_type: { type: 'string', description: 'artifact, tag, repository, project, user, robot, …' },
        operation: { type: 'string', description: 'create, delete, update, pull, login or logout.' },
        op_time: dateTime('When.'),
      },
    },
    AuditLogExt: {
      type: 'object',
      properties: {
        id: integerId('The record id.'),
        username: { type: 'string', description: 'Who: a user, a robot’s full name, `anonymous`, or a system job.' },
        resource: { type: 'string', description: 'What.' },
        resource_type: { type: 'string', description: 'artifact, tag, repository, project, user, robot, …' },
        operation: { type: 'string', description: 'create, delete, update, pull, login or logout.' },
        operation_description: { type: 'string', description: 'The operation in words.' },
        operation_result: { type: 'boolean', description: 'True for a success, false for a failure.' },
        op_time: dateTime('When.'),
      },
    },
    AuditLogEventType: {
      type: 'object',
      properties: { event_type: { type: 'string', description: 'e.g. create_artifact.' } },
    },
  },
};

const PURGE = ['purge'];
const PURGE_ID = pathParameter('purge_id', 'The purge run’s id (its execution).', { type: 'integer', format: 'int64' });
const PARAMETERS_HELP =
  '`parameters`: `audit_retention_hour` (records older than this many hours; default 720), ' +
  '`include_event_types` (comma-separated event types purged; default all), `dry_run` (count only).';

/** Harbor's `purge` tag: audit log purges by age over the job engine (job type `PURGE_AUDIT_LOG`). */
export const PURGE_AUDIT_AREA: ApiArea = {
  tag: {
    name: 'purge',
    description:
      'Audit log purges (job type `PURGE_AUDIT_LOG`): runs, their logs, stopping one, and the schedule. System ' +
      'administrators, and system robot accounts granted `purge-audit`.',
  },
  paths: {
    '/system/purgeaudit': {
      get: {
        operationId: 'getPurgeHistory',
        summary: 'Purge runs',
        description: 'The purge executions, newest first.',
        tags: PURGE,
        parameters: PAGING,
        responses: { '200': pagedResponse('One page of runs.', schemaRef('GCHistory')), ...errors(400, 403) },
      },
    },
    '/system/purgeaudit/{purge_id}': {
      get: {
        operationId: 'getPurgeJob',
        summary: 'A purge run',
        description: 'Its status, trigger and `job_parameters` (the parameters and, once done, `purged`).',
        tags: PURGE,
        parameters: [PURGE_ID],
        responses: { '200': jsonResponse('The run.', schemaRef('GCHistory')), ...errors(403, 404) },
      },
      put: {
        operationId: 'stopPurge',
        summary: 'Stop a purge run',
        description: 'A pending run ends Stopped at once; a running one is asked to stop.',
        tags: PURGE,
        parameters: [PURGE_ID],
        responses: { '200': emptyResponse('Stop requested.'), ...errors(403, 404) },
      },
    },
    '/system/purgeaudit/{purge_id}/log': {
      get: {
        operationId: 'getPurgeJobLog',
        summary: 'A purge run’s log',
        description: 'How many records it purged (or would, in a dry run), older than when, of which types.',
        tags: PURGE,
        parameters: [PURGE_ID],
        responses: {
          '200': { description: 'The log.', content: { 'text/plain': { schema: { type: 'string' } } } },
          ...errors(403, 404),
        },
      },
    },
    '/system/purgeaudit/schedule': {
      get: {
        operationId: 'getPurgeSchedule',
        summary: 'The purge schedule',
        description: 'Its type, cron, next run and parameters; an empty object when there is none.',
        tags: PURGE,
        responses: { '200': jsonResponse('The schedule.', schemaRef('GCHistory')), ...errors(403) },
      },
      post: {
        operationId: 'createPurgeSchedule',
        summary: 'Purge now, or schedule purges',
        description: `\`Manual\` purges now (\`Location\`: the run; 409 while one runs); \`Hourly\`, \`Daily\`, \`Weekly\`, \`Custom\` set the schedule; \`None\` removes it. ${PARAMETERS_HELP}`,
        tags: PURGE,
        requestBody: jsonBody('The schedule and the parameters.', schemaRef('Schedule')),
        responses: { '201': createdResponse('Run started or schedule set.'), ...errors(400, 403, 409) },
      },
      put: {
        operationId: 'updatePurgeSchedule',
        summary: 'Change the purge schedule',
        description: 'As the POST, answering 200.',
        tags: PURGE,
        requestBody: jsonBody('The schedule and the parameters.', schemaRef('Schedule')),
        responses: { '200': emptyResponse('Done.'), ...errors(400, 403, 409) },
      },
    },
  },
  schemas: {},
};
