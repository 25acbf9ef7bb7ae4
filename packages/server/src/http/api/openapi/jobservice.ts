import {
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

const JOBSERVICE = ['jobservice'];
const SCHEDULE = ['schedule'];
const ADMIN_ONLY =
  'System administrators, and robot accounts granted `jobservice-monitor` ' +
  '`list` (reading) or `stop` (queue actions) at system level.';

/** The job service monitor and schedules: Harbor's `jobservice` and `schedule` tags over Wharf's job engine. */
export const JOBSERVICE_AREA: ApiArea = {
  tag: {
    name: 'jobservice',
    description: `The job engine's worker pools (one per Wharf process), workers, queues and task logs. ${ADMIN_ONLY}`,
  },
  paths: {
    '/jobservice/pools': {
      get: {
        operationId: 'getWorkerPools',
        summary: 'Worker pools',
        description: 'One pool per Wharf process whose engine sent a heartbeat within three claim lifetimes.',
        tags: JOBSERVICE,
        responses: {
          '200': jsonResponse('The pools.', { type: 'array', items: schemaRef('WorkerPool') }),
          ...errors(403),
        },
      },
    },
    '/jobservice/pools/{pool_id}/workers': {
      get: {
        operationId: 'getWorkers',
        summary: "A pool's workers",
        description: 'Each worker of the pool (`all`: of every pool) with the task it runs, if any.',
        tags: JOBSERVICE,
        parameters: [pathParameter('pool_id', "The pool's id, or `all`.", { type: 'string' })],
        responses: {
          '200': jsonResponse('The workers.', { type: 'array', items: schemaRef('Worker') }),
          ...errors(403, 404),
        },
      },
    },
    '/jobservice/queues': {
      get: {
        operationId: 'listJobQueues',
        summary: 'Job queues',
        description: 'One queue per job type, and `SCHEDULER` (the schedules), with pending tasks and pause flag.',
        tags: JOBSERVICE,
        responses: {
          '200': jsonResponse('The queues.', { type: 'array', items: schemaRef('JobQueue') }),
          ...errors(403),
        },
      },
    },
    '/jobservice/queues/{job_type}': {
      put: {
        operationId: 'actionPendingJobs',
        summary: 'Stop, pause or resume a queue',
        description:
          '`stop` stops the pending tasks of the type; `pause` keeps them from being claimed (for `SCHEDULER`: ' +
          'schedules from firing); `resume` undoes it. `all` acts on every queue.',
        tags: JOBSERVICE,
        parameters: [pathParameter('job_type', 'The job type, or `all`.', { type: 'string' })],
        requestBody: jsonBody('The action.', schemaRef('ActionRequest')),
        responses: { '200': emptyResponse('Done.'), ...errors(400, 403, 404, 422) },
      },
    },
    '/jobservice/jobs/{job_id}/log': {
      get: {
        operationId: 'actionGetJobLog',
        summary: "A task's log",
        description: "The task's log as text: its newest bytes up to `jobs.logMaxBytes`.",
        tags: JOBSERVICE,
        parameters: [pathParameter('job_id', "The task's id.", { type: 'string' })],
        responses: {
          '200': {
            description: 'The log.',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...errors(403, 404),
        },
      },
    },
  },
  schemas: {
    WorkerPool: {
      type: 'object',
      required: ['pid', 'worker_pool_id', 'start_at', 'heartbeat_at', 'concurrency', 'host'],
      properties: {
        pid: { type: 'integer', description: 'The process id.' },
        worker_pool_id: { type: 'string', description: "The pool's id (the process's node id)." },
        start_at: dateTime('When the pool started.'),
        heartbeat_at: dateTime('Its last heartbeat.'),
        concurrency: { type: 'integer', description: 'Its workers (`jobs.workers`).' },
        host: { type: 'string', description: 'The host name.' },
      },
    },
    Worker: {
      type: 'object',
      required: ['id', 'pool_id', 'job_name', 'job_id', 'check_in'],
      properties: {
        id: { type: 'string', description: "The worker's id." },
        pool_id: { type: 'string', description: 'Its pool.' },
        job_name: { type: 'string', description: 'The job type it runs; empty when idle.' },
        job_id: { type: 'string', description: 'The task it runs; empty when idle.' },
        start_at: dateTime('When the task started; absent when idle.'),
        check_in: { type: 'string', description: 'Always empty.' },
        checkin_at: dateTime("The task's last claim renewal; absent when idle."),
      },
    },
    JobQueue: {
      type: 'object',
      required: ['job_type', 'count', 'latency', 'paused'],
      properties: {
        job_type: { type: 'string', description: 'The job type, or `SCHEDULER`.' },
        count: { type: 'integer', description: 'Pending tasks.' },
        latency: { type: 'integer', description: 'Seconds the oldest pending task has waited.' },
        paused: { type: 'boolean', description: 'Whether the queue is paused.' },
      },
    },
    ActionRequest: {
      type: 'object',
      required: ['action'],
      properties: { action: { type: 'string', enum: ['stop', 'pause', 'resume'], description: 'The action.' } },
    },
    ScheduleTask: {
      type: 'object',
      required: ['id', 'vendor_type', 'vendor_id', 'cron', 'update_time'],
      properties: {
        id: integerId("The schedule's id."),
        vendor_type: { type: 'string', description: 'The job type it fires.' },
        vendor_id: { type: 'integer', description: 'The object it is for; -1 for system schedules.' },
        cron: { type: 'string', description: 'Six fields, seconds first (UTC), or `@every <n>s`.' },
        update_time: dateTime('When it was last changed.'),
      },
    },
    SchedulerStatus: {
      type: 'object',
      required: ['paused'],
      properties: { paused: { type: 'boolean', description: 'Whether the scheduler is paused.' } },
    },
  },
};

/** Harbor's `schedule` tag: the engine's schedules and whether the scheduler is paused. */
export const SCHEDULES_AREA: ApiArea = {
  tag: { name: 'schedule', description: `The job engine's schedules. ${ADMIN_ONLY}` },
  paths: {
    '/schedules': {
      get: {
        operationId: 'listSchedules',
        summary: 'Schedules',
        description: 'Every schedule of the job engine, system ones (vendor id -1) included.',
        tags: SCHEDULE,
        parameters: PAGING,
        responses: { '200': pagedResponse('One page of schedules.', schemaRef('ScheduleTask')), ...errors(400, 403) },
      },
    },
    '/schedules/{job_type}/paused': {
      get: {
        operationId: 'getSchedulePaused',
        summary: 'Whether the scheduler is paused',
        description: 'Only `all` is accepted, as in Harbor.',
        tags: SCHEDULE,
        parameters: [pathParameter('job_type', 'Must be `all`.', { type: 'string' })],
        responses: { '200': jsonResponse('The status.', schemaRef('SchedulerStatus')), ...errors(400, 403) },
      },
    },
  },
};
