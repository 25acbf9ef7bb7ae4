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
  pathParameter,
  schemaRef,
  type ApiArea,
} from './common.js';

const GC = ['gc'];
const GC_ID = pathParameter('gc_id', "The GC run's id (its execution).", { type: 'integer', format: 'int64' });

/** Harbor's `gc` tag: garbage collection runs and their schedule, over Wharf's job engine. */
export const GC_AREA: ApiArea = {
  tag: {
    name: 'gc',
    description:
      'Online garbage collection (job type `GARBAGE_COLLECTION`): its runs, their logs, stopping one, and its ' +
      'schedule. System administrators, and system robot accounts granted `garbage-collection`.',
  },
  paths: {
    '/system/gc': {
      get: {
        operationId: 'getGCHistory',
        summary: 'GC runs',
        description: 'The GC executions, newest first.',
        tags: GC,
        parameters: PAGING,
        responses: { '200': pagedResponse('One page of runs.', schemaRef('GCHistory')), ...errors(400, 403) },
      },
    },
    '/system/gc/{gc_id}': {
      get: {
        operationId: 'getGC',
        summary: 'A GC run',
        description: 'Its status, trigger and `job_parameters` (the parameters and, once done, the result as JSON).',
        tags: GC,
        parameters: [GC_ID],
        responses: { '200': jsonResponse('The run.', schemaRef('GCHistory')), ...errors(403, 404) },
      },
      put: {
        operationId: 'stopGC',
        summary: 'Stop a GC run',
        description: 'A pending run ends Stopped at once; a running one at its next page (it ends Stopped).',
        tags: GC,
        parameters: [GC_ID],
        responses: { '200': emptyResponse('Stop requested.'), ...errors(403, 404) },
      },
    },
    '/system/gc/{gc_id}/log': {
      get: {
        operationId: 'getGCLog',
        summary: "A GC run's log",
        description: 'What it deleted and how many bytes it freed (or would, in a dry run).',
        tags: GC,
        parameters: [GC_ID],
        responses: {
          '200': { description: 'The log.', content: { 'text/plain': { schema: { type: 'string' } } } },
          ...errors(403, 404),
        },
      },
    },
    '/system/gc/schedule': {
      get: {
        operationId: 'getGCSchedule',
        summary: "GC's schedule",
        description: 'The schedule (its type, cron, next run and parameters); an empty object when there is none.',
        tags: GC,
        responses: { '200': jsonResponse('The schedule.', schemaRef('GCHistory')), ...errors(403) },
      },
      post: {
        operationId: 'createGCSchedule',
        summary: 'Run GC now, or schedule it',
        description:
          '`Manual` starts a run now (`Location`: the run; 409 while one is pending or running); `Hourly`, ' +
          '`Daily`, `Weekly` (their cron unless one is given), `Custom` (a six-field cron, seconds first, UTC) ' +
          'set the schedule; `None` removes it. `parameters`: `delete_untagged`, `dry_run`, `workers` (1-5), ' +
          '`time_window` (hours; default `gc.timeWindow`).',
        tags: GC,
        requestBody: jsonBody('The schedule and the parameters.', schemaRef('Schedule')),
        responses: { '201': createdResponse('Run started or schedule set.'), ...errors(400, 403, 409) },
      },
      put: {
        operationId: 'updateGCSchedule',
        summary: "Change GC's schedule",
        description: 'As the POST (a `Manual` type runs now), answering 200.',
        tags: GC,
        requestBody: jsonBody('The schedule and the parameters.', schemaRef('Schedule')),
        responses: { '200': emptyResponse('Done.'), ...errors(400, 403, 409) },
      },
    },
  },
  schemas: {
    GCHistory: {
      type: 'object',
      properties: {
        id: integerId('The run (or schedule) id.'),
        job_name: { type: 'string', description: '`GARBAGE_COLLECTION` (empty for the schedule).' },
        job_kind: { type: 'string', description: 'The trigger (`MANUAL`, `SCHEDULE`), or the schedule type.' },
        job_parameters: {
          type: 'string',
          description:
            'JSON: `delete_untagged`, `dry_run`, `workers`, `time_window`, and once done `purged_artifacts`, ' +
            '`purged_blobs`, `freed_space` (bytes).',
        },
        schedule: schemaRef('ScheduleObj'),
        job_status: { type: 'string', description: 'Pending, Running, Stopped, Error or Success.' },
        deleted: { type: 'boolean', description: 'Always false.' },
        creation_time: dateTime('When it started (was created).'),
        update_time: dateTime('Its last change.'),
      },
    },
    Schedule: {
      type: 'object',
      properties: {
        schedule: schemaRef('ScheduleObj'),
        parameters: { type: 'object', additionalProperties: true, description: 'The job parameters.' },
      },
    },
    ScheduleObj: {
      type: 'object',
      properties: {
        type: {
          type: 'string',
          description: 'Hourly, Daily, Weekly, Custom, Manual, None or Schedule; a run shows its trigger here.',
        },
        cron: { type: 'string', description: 'Six fields, seconds first, UTC.' },
        next_scheduled_time: dateTime('The next run.'),
      },
    },
  },
};
