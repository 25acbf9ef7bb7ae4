import {
  PAGING,
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
} from './common.js';

const QUOTA = ['quota'];
const QUOTA_ID = pathParameter('id', 'The quota’s id.', { type: 'integer', format: 'int64', minimum: 1 });

/** /quotas: project storage quotas, for system administrators (members read theirs in the project summary). */
export const QUOTAS_AREA: ApiArea = {
  tag: {
    name: 'quota',
    description:
      'Project storage quotas: the hard limit in bytes (-1 unlimited) and the bytes used, each digest counted once ' +
      'per project. System administrators list, read and change them.',
  },
  paths: {
    '/quotas': {
      get: {
        operationId: 'listQuotas',
        summary: 'List the quotas',
        description:
          '`reference` (only `project` exists) and `reference_id` (the project id) filter; `sort` keys: ' +
          '`hard.storage`, `used.storage`, `creation_time`, `id`, each with a leading `-` for descending order.',
        tags: QUOTA,
        parameters: [
          ...PAGING,
          { name: 'reference', in: 'query', description: 'The reference type: `project`.', schema: { type: 'string' } },
          {
            name: 'reference_id',
            in: 'query',
            description: 'The id of the referenced project.',
            schema: { type: 'string' },
          },
          parameterRef('Sort'),
        ],
        responses: { '200': pagedResponse('One page of quotas.', schemaRef('Quota')), ...errors(400, 403) },
      },
    },
    '/quotas/{id}': {
      get: {
        operationId: 'getQuota',
        summary: 'A quota',
        tags: QUOTA,
        parameters: [QUOTA_ID],
        responses: { '200': jsonResponse('The quota.', schemaRef('Quota')), ...errors(400, 403, 404) },
      },
      put: {
        operationId: 'updateQuota',
        summary: 'Change a quota’s hard limit',
        description:
          '`{"hard":{"storage":N}}` with N -1 (unlimited) or a positive number of bytes. A limit below the ' +
          'current usage is accepted: the project then refuses every push that adds bytes.',
        tags: QUOTA,
        parameters: [QUOTA_ID],
        requestBody: jsonBody('The new hard limits.', schemaRef('QuotaUpdateReq')),
        responses: { '200': emptyResponse('Changed.'), ...errors(400, 403, 404) },
      },
    },
  },
  schemas: {
    ResourceList: {
      type: 'object',
      description: 'Amounts per resource; Wharf has one resource, `storage`, in bytes.',
      additionalProperties: { type: 'integer', format: 'int64' },
    },
    QuotaRefObject: {
      type: 'object',
      description: 'The project the quota belongs to.',
      required: ['id', 'name'],
      properties: {
        id: integerId('The project id.'),
        name: { type: 'string' },
        owner_name: { type: 'string', description: 'The owner’s username, when the project has a live owner.' },
      },
    },
    Quota: {
      type: 'object',
      required: ['id', 'ref', 'hard', 'used', 'creation_time', 'update_time'],
      properties: {
        id: integerId('The quota id.'),
        ref: schemaRef('QuotaRefObject'),
        hard: schemaRef('ResourceList'),
        used: schemaRef('ResourceList'),
        creation_time: dateTime('When the quota was created (with its project).'),
        update_time: dateTime('When the hard limit or the recounted usage last changed.'),
      },
    },
    QuotaUpdateReq: {
      type: 'object',
      required: ['hard'],
      properties: { hard: schemaRef('ResourceList') },
    },
    ProjectSummaryQuota: {
      type: 'object',
      required: ['hard', 'used'],
      properties: { hard: schemaRef('ResourceList'), used: schemaRef('ResourceList') },
    },
  },
};
