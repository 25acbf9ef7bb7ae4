import { WEBHOOK_EVENT_TYPES } from '../../../domain/webhook-policy.js';
import {
  PAGING,
  PROJECT_AT,
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
  type SchemaObject,
} from './common.js';

const WEBHOOK = ['webhook'];
const POLICY_ID = pathParameter('webhook_policy_id', 'The policy’s id.', {
  type: 'integer',
  format: 'int64',
  minimum: 1,
});
const EXECUTION_ID = pathParameter('execution_id', 'The execution’s id.', {
  type: 'integer',
  format: 'int64',
  minimum: 1,
});
const TASK_ID = pathParameter('task_id', 'The task’s id.', { type: 'integer', format: 'int64', minimum: 1 });
const AT_POLICY = [...PROJECT_AT, POLICY_ID];
const STATUSES = ['Pending', 'Running', 'Stopped', 'Error', 'Success'];
const EVENT_TYPE: SchemaObject = { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] };

/** /projects/{p}/webhook/…: Harbor's webhook policies, their deliveries (executions and tasks) and the test-fire. */
export const WEBHOOKS_AREA: ApiArea = {
  tag: {
    name: 'webhook',
    description:
      'Webhook policies of a project: on each event type a policy wants, every target receives Harbor’s payload ' +
      '(Default JSON, CloudEvents 1.0 structured JSON, or Harbor’s Slack message). Each event is one execution of ' +
      'the job engine (vendor type WEBHOOK) with one task per target, retried with backoff; the task log records ' +
      'the request and the response. Deliveries to loopback, link-local, private and other non-public addresses ' +
      '(after DNS resolution and at every redirect) are refused unless `webhooks.allowedTargets` allows them.',
  },
  paths: {
    '/projects/{project_name_or_id}/webhook/policies': {
      get: {
        operationId: 'ListWebhookPoliciesOfProject',
        summary: 'List a project’s webhook policies',
        description: '`q` filters by name: `name=ci` (exact) or `name=~ci` (contains); sorting is by id.',
        tags: WEBHOOK,
        parameters: [...PROJECT_AT, ...PAGING, parameterRef('Query'), parameterRef('Sort')],
        responses: {
          '200': pagedResponse('One page of policies, in id order.', schemaRef('WebhookPolicy')),
          ...errors(400, 403, 404),
        },
      },
      post: {
        operationId: 'CreateWebhookPolicyOfProject',
        summary: 'Create a webhook policy',
        description:
          'A name (unique in the project: 409 otherwise), at least one event type and one target. A target whose ' +
          'address is plainly internal as written (an internal IP literal, `localhost`, a cloud metadata name) is ' +
          '400 unless `webhooks.allowedTargets` allows it.',
        tags: WEBHOOK,
        parameters: PROJECT_AT,
        requestBody: jsonBody('The policy.', schemaRef('WebhookPolicy')),
        responses: { '201': createdResponse('Created.'), ...errors(400, 403, 404, 409) },
      },
    },
    '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}': {
      get: {
        operationId: 'GetWebhookPolicyOfProject',
        summary: 'A webhook policy',
        tags: WEBHOOK,
        parameters: AT_POLICY,
        responses: { '200': jsonResponse('The policy.', schemaRef('WebhookPolicy')), ...errors(400, 403, 404) },
      },
      put: {
        operationId: 'UpdateWebhookPolicyOfProject',
        summary: 'Replace a webhook policy (also to enable or disable it)',
        tags: WEBHOOK,
        parameters: AT_POLICY,
        requestBody: jsonBody('The policy.', schemaRef('WebhookPolicy')),
        responses: { '200': emptyResponse('Changed.'), ...errors(400, 403, 404, 409) },
      },
      delete: {
        operationId: 'DeleteWebhookPolicyOfProject',
        summary: 'Delete a webhook policy',
        tags: WEBHOOK,
        parameters: AT_POLICY,
        responses: { '200': emptyResponse('Deleted.'), ...errors(400, 403, 404) },
      },
    },
    '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/test': {
      post: {
        operationId: 'TestWebhookPolicyOfProject',
        summary: 'Send a test event to each target now (a Wharf extension)',
        description:
          'Harbor 2.15 has no test endpoint. Wharf sends a sample event of the policy’s first event type to every ' +
          'target at once, through the SSRF guard, and answers each outcome. Nothing is recorded.',
        tags: WEBHOOK,
        parameters: AT_POLICY,
        responses: {
          '200': jsonResponse('Each target’s outcome.', { type: 'array', items: schemaRef('WebhookTestOutcome') }),
          ...errors(400, 403, 404),
        },
      },
    },
    '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/executions': {
      get: {
        operationId: 'ListExecutionsOfWebhookPolicy',
        summary: 'A policy’s deliveries: one execution per event',
        tags: WEBHOOK,
        parameters: [...AT_POLICY, ...PAGING, parameterRef('Query'), parameterRef('Sort')],
        responses: {
          '200': pagedResponse('One page of executions, newest first.', schemaRef('WebhookExecution')),
          ...errors(400, 403, 404),
        },
      },
    },
    '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/executions/{execution_id}/tasks': {
      get: {
        operationId: 'ListTasksOfWebhookExecution',
        summary: 'An execution’s tasks: one per target',
        tags: WEBHOOK,
        parameters: [...AT_POLICY, EXECUTION_ID, ...PAGING, parameterRef('Query'), parameterRef('Sort')],
        responses: {
          '200': pagedResponse('One page of tasks.', schemaRef('WebhookTask')),
          ...errors(400, 403, 404),
        },
      },
    },
    '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/executions/{execution_id}/tasks/{task_id}/log':
      {
        get: {
          operationId: 'GetLogsOfWebhookTask',
          summary: 'A delivery task’s log: the request, each hop, the response or the refusal',
          tags: WEBHOOK,
          parameters: [...AT_POLICY, EXECUTION_ID, TASK_ID],
          responses: {
            '200': { description: 'The log.', content: { 'text/plain': { schema: { type: 'string' } } } },
            ...errors(400, 403, 404),
          },
        },
      },
    '/projects/{project_name_or_id}/webhook/lasttrigger': {
      get: {
        operationId: 'LastTrigger',
        summary: 'Each policy’s event types with when it last sent one',
        tags: WEBHOOK,
        parameters: PROJECT_AT,
        responses: {
          '200': jsonResponse('One row per policy and event type.', {
            type: 'array',
            items: schemaRef('WebhookLastTrigger'),
          }),
          ...errors(400, 403, 404),
        },
      },
    },
    '/projects/{project_name_or_id}/webhook/events': {
      get: {
        operationId: 'GetSupportedEventTypes',
        summary: 'The event types, notify types and payload formats',
        tags: WEBHOOK,
        parameters: PROJECT_AT,
        responses: {
          '200': jsonResponse('What policies may use.', schemaRef('SupportedWebhookEventTypes')),
          ...errors(403, 404),
        },
      },
    },
  },
  schemas: {
    WebhookTargetObject: {
      type: 'object',
      required: ['address'],
      properties: {
        type: { type: 'string', enum: ['http', 'slack'], description: 'Default `http`.' },
        address: {
          type: 'string',
          description: 'An http or https URL; as in Harbor, only its scheme, host and path are kept.',
        },
        auth_header: { type: 'string', description: 'Sent as `Authorization` to HTTP targets; never logged.' },
        skip_cert_verify: { type: 'boolean', description: 'Do not verify the target’s TLS certificate.' },
        payload_format: {
          type: 'string',
          enum: ['Default', 'CloudEvents', ''],
          description:
            'HTTP targets: `Default` (Harbor’s JSON, when empty) or `CloudEvents`. Slack targets take none (400), as in ' +
            'Harbor, and are answered without it.',
        },
      },
    },
    WebhookPolicy: {
      type: 'object',
      required: ['name', 'targets', 'event_types'],
      properties: {
        id: integerId('The policy’s id (ignored in requests).'),
        name: { type: 'string' },
        description: { type: 'string' },
        project_id: { type: 'integer', description: 'The project’s id (ignored in requests).' },
        targets: { type: 'array', items: schemaRef('WebhookTargetObject') },
        event_types: { type: 'array', items: EVENT_TYPE },
        creator: { type: 'string', description: 'Who created it.' },
        creation_time: dateTime('When it was created.'),
        update_time: dateTime('When it last changed.'),
        enabled: { type: 'boolean', description: 'As in Harbor, false when the body leaves it out.' },
      },
    },
    WebhookLastTrigger: {
      type: 'object',
      required: ['policy_name', 'event_type', 'enabled', 'creation_time'],
      properties: {
        policy_name: { type: 'string' },
        event_type: EVENT_TYPE,
        enabled: { type: 'boolean' },
        creation_time: dateTime('When the policy was created.'),
        last_trigger_time: dateTime('When the policy last sent this event type; absent when never.'),
      },
    },
    WebhookExecution: {
      type: 'object',
      required: ['id', 'vendor_type', 'vendor_id', 'status', 'trigger', 'metrics', 'start_time'],
      properties: {
        id: integerId('The execution’s id.'),
        vendor_type: { type: 'string', enum: ['WEBHOOK'] },
        vendor_id: integerId('The policy’s id.'),
        status: { type: 'string', enum: STATUSES },
        status_message: { type: 'string' },
        metrics: {
          type: 'object',
          description: 'Task counts by status (`task_count`, `success_task_count`, `error_task_count`, …).',
          additionalProperties: { type: 'integer' },
        },
        trigger: { type: 'string', enum: ['EVENT', 'MANUAL'] },
        extra_attrs: {
          type: 'object',
          description: '`event_type`: the event delivered.',
          properties: { event_type: EVENT_TYPE },
        },
        start_time: dateTime('When it started.'),
        end_time: dateTime('When it ended; absent while it runs.'),
      },
    },
    WebhookTask: {
      type: 'object',
      required: ['id', 'execution_id', 'status', 'run_count', 'creation_time'],
      properties: {
        id: integerId('The task’s id.'),
        execution_id: integerId('The execution’s id.'),
        status: { type: 'string', enum: STATUSES },
        status_message: { type: 'string', description: 'Why the last run failed.' },
        run_count: { type: 'integer', description: 'Runs so far (retries included).' },
        extra_attrs: { type: 'object' },
        creation_time: dateTime('When it was created.'),
        update_time: dateTime('When it last changed.'),
        start_time: dateTime('When its last run started.'),
        end_time: dateTime('When it ended.'),
      },
    },
    WebhookTestOutcome: {
      type: 'object',
      required: ['address', 'type', 'success', 'message'],
      properties: {
        address: { type: 'string' },
        type: { type: 'string', enum: ['http', 'slack'] },
        success: { type: 'boolean', description: 'Whether the target answered 2xx.' },
        http_status: { type: 'integer', description: 'The final response’s status; absent when none came.' },
        message: { type: 'string', description: 'The outcome, or the refusal or network error.' },
      },
    },
    SupportedWebhookEventTypes: {
      type: 'object',
      required: ['event_type', 'notify_type', 'payload_formats'],
      properties: {
        event_type: { type: 'array', items: EVENT_TYPE },
        notify_type: { type: 'array', items: { type: 'string' } },
        payload_formats: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              notify_type: { type: 'string' },
              formats: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      },
    },
  },
};
