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
  pathParameter,
  schemaRef,
  type ApiArea,
} from './common.js';

const RETENTION = ['Retention'];
const ID = pathParameter('id', 'The retention policy’s id.', { type: 'integer', format: 'int64', minimum: 1 });
const EID = pathParameter('eid', 'The execution’s id.', { type: 'integer', format: 'int64', minimum: 1 });
const TID = pathParameter('tid', 'The task’s id.', { type: 'integer', format: 'int64', minimum: 1 });
const STATUSES = ['Pending', 'Running', 'Stopped', 'Error', 'Success'];

/** /retentions: Harbor's tag retention policies, their runs (executions), the runs' tasks and logs. */
export const RETENTION_AREA: ApiArea = {
  tag: {
    name: 'Retention',
    description:
      'Tag retention: one policy per project (the project metadata `retention_id`), up to 15 rules OR-ed; a run ' +
      'deletes every artifact of the selected repositories that no rule retains, except those with an immutable ' +
      'tag. Runs are manual, dry (nothing deleted) or scheduled (the trigger’s six-field cron).',
  },
  paths: {
    '/retentions/metadatas': {
      get: {
        operationId: 'getRentenitionMetadata',
        summary: 'The templates and selectors a policy may use',
        tags: RETENTION,
        responses: { '200': jsonResponse('The metadata.', schemaRef('RetentionMetadata')), ...errors() },
      },
    },
    '/retentions': {
      post: {
        operationId: 'createRetention',
        summary: 'Create a project’s retention policy',
        description:
          'The scope names the project (`{"level":"project","ref":<id>}`); a project has at most one policy (400 ' +
          'when it has one). At most 15 rules (400); the same rule twice is 409.',
        tags: RETENTION,
        requestBody: jsonBody('The policy.', schemaRef('RetentionPolicy')),
        responses: { '201': createdResponse('Created.'), ...errors(400, 403, 409) },
      },
    },
    '/retentions/{id}': {
      get: {
        operationId: 'getRetention',
        summary: 'A retention policy',
        tags: RETENTION,
        parameters: [ID],
        responses: { '200': jsonResponse('The policy.', schemaRef('RetentionPolicy')), ...errors(400, 403, 404) },
      },
      put: {
        operationId: 'updateRetention',
        summary: 'Replace a retention policy’s rules and trigger',
        description: 'The schedule follows the trigger’s cron: set, changed or removed.',
        tags: RETENTION,
        parameters: [ID],
        requestBody: jsonBody('The policy.', schemaRef('RetentionPolicy')),
        responses: { '200': emptyResponse('Changed.'), ...errors(400, 403, 404, 409) },
      },
      delete: {
        operationId: 'deleteRetention',
        summary: 'Delete a retention policy (and its schedule)',
        tags: RETENTION,
        parameters: [ID],
        responses: { '200': emptyResponse('Deleted.'), ...errors(400, 403, 404) },
      },
    },
    '/retentions/{id}/executions': {
      post: {
        operationId: 'triggerRetentionExecution',
        summary: 'Run a retention policy now',
        description: 'With `dry_run` true the run evaluates and logs what it would delete, and deletes nothing.',
        tags: RETENTION,
        parameters: [ID],
        requestBody: jsonBody('Whether it is a dry run.', {
          type: 'object',
          properties: { dry_run: { type: 'boolean' } },
        }),
        responses: { '201': createdResponse('Started.'), ...errors(400, 403, 404) },
      },
      get: {
        operationId: 'listRetentionExecutions',
        summary: 'A retention policy’s runs, newest first',
        tags: RETENTION,
        parameters: [ID, ...PAGING],
        responses: {
          '200': pagedResponse('One page of runs.', schemaRef('RetentionExecution')),
          ...errors(400, 403, 404),
        },
      },
    },
    '/retentions/{id}/executions/{eid}': {
      patch: {
        operationId: 'operateRetentionExecution',
        summary: 'Stop a run',
        tags: RETENTION,
        parameters: [ID, EID],
        requestBody: jsonBody('The action: only `stop`.', {
          type: 'object',
          properties: { action: { type: 'string' } },
        }),
        responses: { '200': emptyResponse('Stopping.'), ...errors(400, 403, 404) },
      },
    },
    '/retentions/{id}/executions/{eid}/tasks': {
      get: {
        operationId: 'listRetentionTasks',
        summary: 'A run’s tasks, one per repository',
        tags: RETENTION,
        parameters: [ID, EID, ...PAGING],
        responses: {
          '200': pagedResponse('One page of tasks.', schemaRef('RetentionExecutionTask')),
          ...errors(400, 403, 404),
        },
      },
    },
    '/retentions/{id}/executions/{eid}/tasks/{tid}': {
      get: {
        operationId: 'getRetentionTaskLog',
        summary: 'A task’s log',
        description: 'A table of the repository’s artifacts with what was retained or deleted, then each deletion.',
        tags: RETENTION,
        parameters: [ID, EID, TID],
        responses: {
          '200': { description: 'The log.', content: { 'text/plain': { schema: { type: 'string' } } } },
          ...errors(400, 403, 404),
        },
      },
    },
  },
  schemas: {
    RetentionMetadata: {
      type: 'object',
      required: ['templates', 'scope_selectors', 'tag_selectors'],
      properties: {
        templates: { type: 'array', items: schemaRef('RetentionRuleMetadata') },
        scope_selectors: { type: 'array', items: schemaRef('RetentionSelectorMetadata') },
        tag_selectors: { type: 'array', items: schemaRef('RetentionSelectorMetadata') },
      },
    },
    RetentionRuleMetadata: {
      type: 'object',
      required: ['rule_template', 'display_text', 'action', 'params'],
      properties: {
        rule_template: { type: 'string' },
        display_text: { type: 'string' },
        action: { type: 'string' },
        params: { type: 'array', items: schemaRef('RetentionRuleParamMetadata') },
      },
    },
    RetentionRuleParamMetadata: {
      type: 'object',
      required: ['type', 'unit', 'required'],
      properties: { type: { type: 'string' }, unit: { type: 'string' }, required: { type: 'boolean' } },
    },
    RetentionSelectorMetadata: {
      type: 'object',
      required: ['display_text', 'kind', 'decorations'],
      properties: {
        display_text: { type: 'string' },
        kind: { type: 'string' },
        decorations: { type: 'array', items: { type: 'string' } },
      },
    },
    RetentionPolicy: {
      type: 'object',
      required: ['id', 'algorithm', 'rules', 'trigger', 'scope'],
      properties: {
        id: integerId('The policy’s id (ignored on create and update).'),
        algorithm: { type: 'string', enum: ['or'] },
        rules: { type: 'array', description: 'At most 15.', items: schemaRef('RetentionRule') },
        trigger: schemaRef('RetentionRuleTrigger'),
        scope: schemaRef('RetentionPolicyScope'),
      },
    },
    RetentionRuleTrigger: {
      type: 'object',
      required: ['kind', 'settings'],
      properties: {
        kind: { type: 'string', enum: ['Schedule'] },
        settings: {
          type: 'object',
          properties: { cron: { type: 'string', description: 'Six fields, seconds first (UTC); empty: manual only.' } },
        },
        references: { type: 'object' },
      },
    },
    RetentionPolicyScope: {
      type: 'object',
      required: ['level', 'ref'],
      properties: {
        level: { type: 'string', enum: ['project'] },
        ref: { type: 'integer', description: 'The project’s id.' },
      },
    },
    RetentionRule: {
      type: 'object',
      required: ['id', 'priority', 'disabled', 'action', 'template', 'params', 'tag_selectors', 'scope_selectors'],
      properties: {
        id: { type: 'integer', description: 'Its position, from 1.' },
        priority: { type: 'integer' },
        disabled: { type: 'boolean' },
        action: { type: 'string', enum: ['retain'] },
        template: {
          type: 'string',
          enum: ['latestPushedK', 'latestPulledN', 'nDaysSinceLastPush', 'nDaysSinceLastPull', 'always'],
        },
        params: {
          type: 'object',
          description: 'The template’s parameter under its own name, e.g. `{"latestPushedK": 10}`.',
          additionalProperties: {},
        },
        tag_selectors: { type: 'array', items: schemaRef('RetentionSelector') },
        scope_selectors: {
          type: 'object',
          required: ['repository'],
          properties: { repository: { type: 'array', items: schemaRef('RetentionSelector') } },
        },
      },
    },
    RetentionSelector: {
      type: 'object',
      required: ['kind', 'decoration', 'pattern'],
      properties: {
        kind: { type: 'string', enum: ['doublestar', 'label'] },
        decoration: {
          type: 'string',
          enum: ['matches', 'excludes', 'repoMatches', 'repoExcludes', 'withLabels', 'withoutLabels'],
        },
        pattern: { type: 'string', description: 'A doublestar pattern, or label names separated by commas.' },
        extras: { type: 'string', description: 'JSON: `{"untagged":true}` also selects untagged artifacts.' },
      },
    },
    RetentionExecution: {
      type: 'object',
      required: ['id', 'policy_id', 'start_time', 'status', 'trigger', 'dry_run'],
      properties: {
        id: integerId('The run’s id.'),
        policy_id: integerId('The policy’s id.'),
        start_time: dateTime('When it started.'),
        end_time: dateTime('When it ended; absent while it runs.'),
        status: { type: 'string', enum: STATUSES },
        trigger: { type: 'string', enum: ['MANUAL', 'SCHEDULE', 'EVENT'] },
        dry_run: { type: 'boolean' },
      },
    },
    RetentionExecutionTask: {
      type: 'object',
      required: ['id', 'execution_id', 'repository', 'job_id', 'status', 'status_code', 'total', 'retained'],
      properties: {
        id: integerId('The task’s id.'),
        execution_id: integerId('The run’s id.'),
        repository: { type: 'string', description: 'The repository, without its project.' },
        job_id: { type: 'string' },
        status: { type: 'string', enum: STATUSES },
        status_code: { type: 'integer' },
        status_revision: { type: 'integer', format: 'int64' },
        start_time: dateTime('When it started.'),
        end_time: dateTime('When it ended.'),
        total: { type: 'integer', description: 'Artifacts considered.' },
        retained: { type: 'integer', description: 'Artifacts kept (retained, or protected by an immutable tag).' },
      },
    },
  },
};
