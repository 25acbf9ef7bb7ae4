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
  parameterRef,
  pathParameter,
  schemaRef,
  type ApiArea,
} from './common.js';
import { PROJECT_NAME, REPOSITORY_NAME } from './repositories.js';

const LABEL = ['label'];
const LABEL_ID = pathParameter('label_id', 'The label’s id.', { type: 'integer', format: 'int64', minimum: 1 });
const REFERENCE = pathParameter('reference', 'The artifact: one of its tags, or its digest (`sha256:...`).', {
  type: 'string',
  minLength: 1,
});
const ARTIFACT_LABELS = '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/labels';

/** /labels and the labels of artifacts. */
export const LABELS_AREA: ApiArea = {
  tag: {
    name: 'label',
    description:
      'Labels: global ones (scope `g`, managed by system administrators) and project ones (scope `p`, managed by ' +
      'the project’s admins and maintainers), attached to artifacts.',
  },
  paths: {
    '/labels': {
      get: {
        operationId: 'ListLabels',
        summary: 'List labels of a scope',
        description: 'Global labels are listed for anyone; a project’s for those who may list its labels.',
        tags: LABEL,
        parameters: [
          parameterRef('Query'),
          parameterRef('Sort'),
          ...PAGING,
          { name: 'name', in: 'query', description: 'Part of the name.', schema: { type: 'string' } },
          {
            name: 'scope',
            in: 'query',
            required: true,
            description: '`g` global, `p` a project’s (with `project_id`).',
            schema: { type: 'string', enum: ['g', 'p'] },
          },
          {
            name: 'project_id',
            in: 'query',
            description: 'The project, for scope `p`.',
            schema: { type: 'integer', format: 'int64' },
          },
        ],
        responses: { '200': pagedResponse('One page of labels.', schemaRef('Label')), ...errors(400, 403, 404) },
      },
      post: {
        operationId: 'CreateLabel',
        summary: 'Create a label',
        tags: LABEL,
        requestBody: jsonBody('The label.', schemaRef('LabelRequest')),
        responses: { '201': createdResponse('Created.'), ...errors(400, 403, 404, 409) },
      },
    },
    '/labels/{label_id}': {
      get: {
        operationId: 'GetLabelByID',
        summary: 'A label',
        tags: LABEL,
        parameters: [LABEL_ID],
        responses: { '200': jsonResponse('The label.', schemaRef('Label')), ...errors(400, 403, 404) },
      },
      put: {
        operationId: 'UpdateLabel',
        summary: 'Change a label’s name, description and color',
        tags: LABEL,
        parameters: [LABEL_ID],
        requestBody: jsonBody('The label; scope and project stay.', schemaRef('LabelRequest')),
        responses: { '200': emptyResponse('Changed.'), ...errors(400, 403, 404, 409) },
      },
      delete: {
        operationId: 'DeleteLabel',
        summary: 'Delete a label, detaching it from every artifact',
        tags: LABEL,
        parameters: [LABEL_ID],
        responses: { '200': emptyResponse('Deleted.'), ...errors(400, 403, 404) },
      },
    },
    [ARTIFACT_LABELS]: {
      post: {
        operationId: 'addLabel',
        summary: 'Attach a label to an artifact',
        description: 'A project label only to artifacts of its project.',
        tags: ['artifact'],
        parameters: [PROJECT_NAME, REPOSITORY_NAME, REFERENCE],
        requestBody: jsonBody('The label, by `id`.', schemaRef('LabelId')),
        responses: { '200': emptyResponse('Attached.'), ...errors(400, 403, 404, 409) },
      },
    },
    [`${ARTIFACT_LABELS}/{label_id}`]: {
      delete: {
        operationId: 'removeLabel',
        summary: 'Detach a label from an artifact',
        tags: ['artifact'],
        parameters: [PROJECT_NAME, REPOSITORY_NAME, REFERENCE, LABEL_ID],
        responses: { '200': emptyResponse('Detached.'), ...errors(400, 403, 404) },
      },
    },
  },
  schemas: {
    LabelRequest: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 128 },
        description: { type: 'string' },
        color: { type: 'string' },
        scope: { type: 'string', enum: ['g', 'p'], description: 'On create; `g` when absent.' },
        project_id: integerId('On create, for scope `p`.'),
      },
    },
    LabelId: {
      type: 'object',
      required: ['id'],
      properties: { id: integerId('The label’s id.') },
    },
    Label: {
      type: 'object',
      required: ['id', 'name', 'description', 'color', 'scope', 'project_id', 'creation_time', 'update_time'],
      properties: {
        id: integerId('The label’s id.'),
        name: { type: 'string', maxLength: 128, description: 'Unique among global labels, or in its project.' },
        description: { type: 'string' },
        color: { type: 'string', description: 'As the portal shows it, e.g. `#0065AB`.' },
        scope: { type: 'string', enum: ['g', 'p'] },
        project_id: integerId('The project of a `p` label; 0 for a global one.'),
        creation_time: dateTime('When it was created.'),
        update_time: dateTime('When it last changed.'),
      },
    },
  },
};
