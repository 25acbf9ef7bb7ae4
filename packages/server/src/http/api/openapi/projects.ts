import {
  PAGING,
  PROJECT_AT,
  createdResponse,
  dateTime,
  emptyResponse,
  errors,
  jsonBody,
  jsonResponse,
  pagedResponse,
  parameterRef,
  schemaRef,
  type ApiArea,
  type ParameterObject,
  type SchemaObject,
} from './common.js';

const PROJECT = ['project'];

function query(name: string, description: string, schema: SchemaObject): ParameterObject {
  return { name, in: 'query', description, schema };
}

/** A metadata value that is a flag: the stored form is `"true"` or `"false"`. */
const FLAG: SchemaObject = { type: 'string', enum: ['true', 'false'] };
/** A flag as a request may give it: Go's boolean spellings (`true`, `1`, `t`, `False`, ...), or null for none. */
const FLAG_REQUEST: SchemaObject = { type: 'string', nullable: true, description: 'A boolean as text.' };

/** The project metadata keys Wharf keeps; `public` is always there. */
const METADATA_FLAGS = {
  public: 'Whether anyone, even anonymous callers, may pull.',
  enable_content_trust: 'Whether only signed images may be pulled.',
  enable_content_trust_cosign: 'Whether only images signed with cosign may be pulled.',
  prevent_vul: 'Whether images with vulnerabilities from `severity` up may not be pulled.',
  auto_scan: 'Whether pushed images are scanned.',
  auto_sbom_generation: 'Whether an SBOM is generated for pushed images.',
  reuse_sys_cve_allowlist: 'Whether the system CVE allowlist applies.',
} as const;

/** Harbor's project role ids. */
export const ROLE_ID: SchemaObject = {
  type: 'integer',
  enum: [1, 2, 3, 4, 5],
  description: '1 Project Admin, 2 Developer, 3 Guest, 4 Maintainer, 5 Limited Guest.',
};

/** /projects: projects, as each caller sees them. */
export const PROJECTS_AREA: ApiArea = {
  tag: { name: 'project', description: 'Projects: the namespaces that hold repositories, with their access rules.' },
  paths: {
    '/projects': {
      head: {
        operationId: 'headProject',
        summary: 'Whether a project exists',
        description:
          'Answers 200 when the project exists and the caller may see it. A project the caller may not see is ' +
          'refused like one that does not exist (401 for anonymous callers, else 403); only callers who see every ' +
          'project learn that it does not exist (404).',
        tags: PROJECT,
        security: [{}, { basic: [] }, { session: [] }],
        parameters: [
          { ...query('project_name', 'The project’s name.', { type: 'string', minLength: 1 }), required: true },
        ],
        responses: { '200': emptyResponse('The project exists.'), ...errors(400, 403, 404) },
      },
      get: {
        operationId: 'listProjects',
        summary: 'List the projects the caller sees',
        description:
          'Public projects, and the private ones the caller is a member of (all of them for system ' +
          'administrators). `q` keys: `name` (`name=x`, `name=~part`, `name={a b}`), `public`, `owner` (a ' +
          'username), `project_id` (`project_id=3`, `project_id={3 4}`). `sort` keys: `name`, `project_id`, ' +
          '`creation_time`, `update_time` (several, separated by commas).',
        tags: PROJECT,
        security: [{}, { basic: [] }, { session: [] }],
        parameters: [
          parameterRef('Query'),
          parameterRef('Sort'),
          ...PAGING,
          query('name', 'Part of the project name.', { type: 'string' }),
          query('public', 'Only public (true) or only private (false) projects.', { type: 'boolean' }),
          query('owner', 'The owner’s username.', { type: 'string' }),
          query('with_detail', 'Include the owner’s name and the CVE allowlist.', { type: 'boolean', default: true }),
        ],
        responses: { '200': pagedResponse('One page of projects.', schemaRef('Project')), ...errors(400) },
      },
      post: {
        operationId: 'createProject',
        summary: 'Create a project',
        description:
          'Any signed-in user, unless the setting `project_creation_restriction` is `adminonly`; robot accounts ' +
          'need the system permission. The user who creates a project owns it as its Project Admin.',
        tags: PROJECT,
        parameters: [
          {
            name: 'X-Resource-Name-In-Location',
            in: 'header',
            description: 'When true, `Location` names the project by name rather than by id.',
            schema: { type: 'boolean', default: false },
          },
        ],
        requestBody: jsonBody('The new project.', schemaRef('ProjectReq')),
        responses: { '201': createdResponse('Created.'), ...errors(400, 403, 409) },
      },
    },
    '/projects/{project_name_or_id}': {
      get: {
        operationId: 'getProject',
        summary: 'A project',
        tags: PROJECT,
        security: [{}, { basic: [] }, { session: [] }],
        parameters: PROJECT_AT,
        responses: { '200': jsonResponse('The project, with details.', schemaRef('Project')), ...errors(403, 404) },
      },
      put: {
        operationId: 'updateProject',
        summary: 'Update a project',
        description: 'Changes the public flag and merges the given metadata; the name never changes.',
        tags: PROJECT,
        parameters: PROJECT_AT,
        requestBody: jsonBody('What to change.', schemaRef('ProjectUpdateReq')),
        responses: { '200': emptyResponse('Updated.'), ...errors(400, 403, 404) },
      },
      delete: {
        operationId: 'deleteProject',
        summary: 'Delete an empty project',
        description: 'Its members, robot accounts and metadata go with it. A project with repositories answers 412.',
        tags: PROJECT,
        parameters: PROJECT_AT,
        responses: { '200': emptyResponse('Deleted.'), ...errors(400, 403, 404, 412) },
      },
    },
    '/projects/{project_name_or_id}/_deletable': {
      get: {
        operationId: 'getProjectDeletable',
        summary: 'Whether a project can be deleted now',
        description: 'For callers who may delete the project.',
        tags: PROJECT,
        parameters: PROJECT_AT,
        responses: {
          '200': jsonResponse('The answer, with the reason when it is no.', schemaRef('ProjectDeletable')),
          ...errors(403, 404),
        },
      },
    },
    '/projects/{project_name_or_id}/summary': {
      get: {
        operationId: 'getProjectSummary',
        summary: 'Counts of a project',
        description: 'The repository count; the member counts per role only for callers who may list members.',
        tags: PROJECT,
        security: [{}, { basic: [] }, { session: [] }],
        parameters: PROJECT_AT,
        responses: { '200': jsonResponse('The counts.', schemaRef('ProjectSummary')), ...errors(400, 403, 404) },
      },
    },
  },
  schemas: {
    Project: {
      type: 'object',
      description: 'A project as the caller sees it.',
      required: [
        'project_id',
        'name',
        'creation_time',
        'update_time',
        'deleted',
        'current_user_role_id',
        'current_user_role_ids',
        'repo_count',
        'metadata',
      ],
      properties: {
        project_id: { type: 'integer', format: 'int32', description: 'The project’s id.' },
        owner_id: {
          type: 'integer',
          format: 'int32',
          description: 'The owner’s user id; absent for projects without an owner (created by robots).',
        },
        name: { type: 'string' },
        creation_time: dateTime('When the project was created.'),
        update_time: dateTime('When the project last changed.'),
        deleted: { type: 'boolean', description: 'Always false.' },
        owner_name: {
          type: 'string',
          description: 'With details only: the owner’s username, empty when there is none.',
        },
        current_user_role_id: {
          type: 'integer',
          enum: [0, 1, 2, 3, 4, 5],
          description: 'The caller’s most privileged role in the project (see `role_id`), 0 for none.',
        },
        current_user_role_ids: {
          type: 'array',
          items: { ...ROLE_ID, format: 'int32' },
          description: 'All of the caller’s roles in the project, most privileged first.',
        },
        repo_count: { type: 'integer', minimum: 0, description: 'How many repositories the project holds.' },
        metadata: schemaRef('ProjectMetadata'),
        cve_allowlist: schemaRef('CVEAllowlist'),
      },
    },
    ProjectMetadata: {
      type: 'object',
      description: 'The project’s settings, as text.',
      required: ['public'],
      properties: {
        ...Object.fromEntries(
          Object.entries(METADATA_FLAGS).map(([key, description]) => [key, { ...FLAG, description }]),
        ),
        severity: {
          type: 'string',
          enum: ['none', 'low', 'medium', 'high', 'critical'],
          description: 'The lowest vulnerability severity that `prevent_vul` blocks.',
        },
        retention_id: {
          type: 'string',
          description: 'The id of the project’s tag retention policy (`/retentions/{id}`), when it has one.',
        },
      },
    },
    CVEAllowlist: {
      type: 'object',
      description: 'With details only: the project’s CVE allowlist (always empty: allowlists are not kept yet).',
      required: ['project_id', 'items'],
      properties: {
        project_id: { type: 'integer', description: 'The project’s id.' },
        items: { type: 'array', items: schemaRef('CVEAllowlistItem') },
      },
    },
    CVEAllowlistItem: {
      type: 'object',
      required: ['cve_id'],
      properties: { cve_id: { type: 'string', description: 'A CVE id, such as `CVE-2024-1234`.' } },
    },
    ProjectReq: {
      type: 'object',
      required: ['project_name'],
      properties: {
        project_name: {
          type: 'string',
          minLength: 1,
          maxLength: 255,
          description: 'Lower-case letters and digits, in runs joined by one `.`, `_` or `-`.',
        },
        public: {
          type: 'boolean',
          nullable: true,
          description: 'Superseded by `metadata.public`, which wins when both are given.',
        },
        metadata: schemaRef('ProjectMetadataReq'),
        cve_allowlist: schemaRef('CVEAllowlistReq'),
        storage_limit: {
          type: 'integer',
          format: 'int64',
          minimum: -1,
          nullable: true,
          description:
            'The hard limit of the project’s storage quota in bytes: -1 for no limit, otherwise positive. Only ' +
            'system administrators choose it; other creators get the setting `storage_per_project`.',
        },
        registry_id: {
          type: 'integer',
          format: 'int64',
          nullable: true,
          description: 'Proxy-cache projects are not supported: only null is accepted.',
        },
      },
    },
    ProjectUpdateReq: {
      type: 'object',
      description: 'Other fields of a creation request are ignored.',
      properties: {
        public: {
          type: 'boolean',
          nullable: true,
          description: 'Superseded by `metadata.public`, which wins when both are given.',
        },
        metadata: schemaRef('ProjectMetadataReq'),
        cve_allowlist: schemaRef('CVEAllowlistReq'),
      },
    },
    ProjectMetadataReq: {
      type: 'object',
      nullable: true,
      description:
        'Settings to store; null values and keys Wharf does not keep (the proxy-cache ones among them) are ' +
        'ignored. `retention_id` may only be empty.',
      properties: {
        ...Object.fromEntries(
          Object.entries(METADATA_FLAGS).map(([key, description]) => [key, { ...FLAG_REQUEST, description }]),
        ),
        severity: {
          type: 'string',
          nullable: true,
          description: '`none` (or `negligible`), `low`, `medium`, `high` or `critical`, in any case.',
        },
        retention_id: { type: 'string', nullable: true, description: 'Only empty.' },
      },
    },
    CVEAllowlistReq: {
      type: 'object',
      nullable: true,
      description: 'CVE allowlists are not kept yet: only an empty one is accepted.',
      properties: { items: { type: 'array', nullable: true, items: schemaRef('CVEAllowlistItem') } },
    },
    ProjectDeletable: {
      type: 'object',
      required: ['deletable'],
      properties: {
        deletable: { type: 'boolean' },
        message: { type: 'string', description: 'Why the project cannot be deleted (only then).' },
      },
    },
    ProjectSummary: {
      type: 'object',
      required: ['repo_count'],
      description:
        'The member counts are present only for callers who may list the members, the quota for those who may ' +
        'read it (every member).',
      properties: {
        repo_count: { type: 'integer', minimum: 0 },
        quota: schemaRef('ProjectSummaryQuota'),
        project_admin_count: { type: 'integer', minimum: 0 },
        maintainer_count: { type: 'integer', minimum: 0 },
        developer_count: { type: 'integer', minimum: 0 },
        guest_count: { type: 'integer', minimum: 0 },
        limited_guest_count: { type: 'integer', minimum: 0 },
      },
    },
  },
};
