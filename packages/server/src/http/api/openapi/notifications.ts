import { dateTime, errors, jsonResponse, schemaRef, type ApiArea } from './common.js';

/** The registry notification endpoints' state (a Wharf extension; Harbor has no such API). */
export const NOTIFICATIONS_AREA: ApiArea = {
  tag: {
    name: 'notifications',
    description:
      'Registry notifications (a Wharf extension): the endpoints of `notifications.endpoints` in the configuration ' +
      "file, which receive distribution's event envelopes, and the state of their in-memory queues since the " +
      'process started (each process has its own queues).',
  },
  paths: {
    '/system/notifications': {
      get: {
        operationId: 'getNotificationEndpoints',
        summary: 'Registry notification endpoints and their queues',
        description:
          'The configured endpoints in configuration order, with the events waiting, delivered and failed. Needs ' +
          'the system resource `configuration` with `read` (system administrators).',
        tags: ['notifications'],
        responses: {
          '200': jsonResponse('The endpoints.', schemaRef('NotificationEndpoints')),
          ...errors(401, 403),
        },
      },
    },
  },
  schemas: {
    NotificationEndpoints: {
      type: 'object',
      required: ['endpoints'],
      properties: { endpoints: { type: 'array', items: schemaRef('NotificationEndpointStatus') } },
    },
    NotificationEndpointStatus: {
      type: 'object',
      required: [
        'name',
        'url',
        'disabled',
        'pending',
        'events',
        'successes',
        'failures',
        'errors',
        'dropped',
        'statuses',
        'consecutive_failures',
      ],
      properties: {
        name: { type: 'string', description: 'The endpoint’s name.' },
        url: { type: 'string', description: 'The URL without credentials, query or fragment.' },
        disabled: { type: 'boolean', description: 'Disabled endpoints receive nothing.' },
        pending: { type: 'integer', description: 'Events waiting (the one being sent included).' },
        events: { type: 'integer', description: 'Events queued since the process started.' },
        successes: { type: 'integer', description: 'Events the endpoint accepted (a 2xx or 3xx answer).' },
        failures: { type: 'integer', description: 'Failed attempts (other answers, errors, time-outs).' },
        errors: { type: 'integer', description: 'Of the failures, those without an HTTP answer.' },
        dropped: { type: 'integer', description: 'Events dropped because the queue was full.' },
        statuses: {
          type: 'object',
          additionalProperties: { type: 'integer' },
          description: 'Answers by HTTP status code.',
        },
        consecutive_failures: {
          type: 'integer',
          description: 'Failures since the last success; at the threshold the endpoint backs off.',
        },
        last_error: { type: 'string', description: 'Why the last failed attempt failed.' },
        last_success_time: dateTime('When an event was last delivered.'),
        last_failure_time: dateTime('When an attempt last failed.'),
      },
    },
  },
};
