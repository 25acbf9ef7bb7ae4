import { dateTime, errors, jsonResponse, schemaRef, type ApiArea } from './common.js';

/** /ping, /health, /systeminfo, and the description itself. */
export const SYSTEM_AREA: ApiArea = {
  tag: { name: 'system', description: 'Liveness, health, general information and this API description.' },
  paths: {
    '/ping': {
      get: {
        operationId: 'getPing',
        summary: 'Liveness check',
        description: 'Answers `Pong` while the API process runs, whatever the state of the database or storage.',
        tags: ['system'],
        security: [{}],
        responses: {
          '200': {
            description: 'The API is up.',
            content: { 'text/plain': { schema: { type: 'string', enum: ['Pong'] } } },
          },
          ...errors(),
        },
      },
    },
    '/health': {
      get: {
        operationId: 'getHealth',
        summary: 'Health of the components',
        description:
          'The database (a query), the storage (a write, read-back, stat and delete of a small file) and the job ' +
          'engine (its rounds run), each probed at most once a second (results are shared for a second). Always ' +
          '200, as Harbor: the body tells. Errors are short generic messages (the endpoint is public). Wharf has no ' +
          'Redis, so none is listed.',
        tags: ['system'],
        security: [{}],
        responses: { '200': jsonResponse('The health report.', schemaRef('OverallHealthStatus')), ...errors() },
      },
    },
    '/systeminfo': {
      get: {
        operationId: 'getSystemInfo',
        summary: 'General information',
        description:
          'Anonymous callers get the authentication mode, self-registration and version; signed-in callers also ' +
          'the URLs and policies.',
        tags: ['system'],
        security: [{}, { basic: [] }, { session: [] }],
        responses: { '200': jsonResponse('General information.', schemaRef('GeneralInfo')), ...errors() },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        summary: 'This API description',
        description: "Wharf's own OpenAPI 3.0 description of the operations it implements (a Wharf extension).",
        tags: ['system'],
        security: [{}],
        responses: {
          '200': jsonResponse('The OpenAPI document.', { type: 'object', additionalProperties: true }),
          ...errors(),
        },
      },
    },
  },
  schemas: {
    OverallHealthStatus: {
      type: 'object',
      required: ['status', 'components'],
      properties: {
        status: {
          type: 'string',
          enum: ['healthy', 'unhealthy'],
          description: '`healthy` only when every component is.',
        },
        components: { type: 'array', items: schemaRef('ComponentHealthStatus') },
      },
    },
    ComponentHealthStatus: {
      type: 'object',
      required: ['name', 'status'],
      properties: {
        name: {
          type: 'string',
          enum: ['database', 'jobservice', 'redis', 'storage'],
          description: 'The component (`redis` when `redis.url` is set).',
        },
        status: { type: 'string', enum: ['healthy', 'unhealthy'] },
        error: { type: 'string', description: 'Why the component is unhealthy (only then).' },
      },
    },
    GeneralInfo: {
      type: 'object',
      required: ['auth_mode', 'primary_auth_mode', 'self_registration', 'harbor_version', 'current_time'],
      properties: {
        auth_mode: {
          type: 'string',
          enum: ['db_auth', 'ldap_auth', 'oidc_auth', 'http_auth'],
          description: 'How users authenticate.',
        },
        oidc_provider_name: {
          type: 'string',
          description: 'Under oidc_auth with a provider configured: its name (oidc_name), for "Sign in via …".',
        },
        primary_auth_mode: {
          type: 'boolean',
          description: 'Always false (Harbor: whether the auth_mode is the primary one; Wharf has no secondary).',
        },
        self_registration: { type: 'boolean', description: 'Whether anyone may create an account.' },
        harbor_version: { type: 'string', description: "Wharf's version." },
        current_time: dateTime("The server's clock."),
        external_url: { type: 'string', description: 'Signed-in callers: the public base URL.' },
        registry_url: { type: 'string', description: 'Signed-in callers: host (and port) for docker and podman.' },
        project_creation_restriction: {
          type: 'string',
          enum: ['everyone', 'adminonly'],
          description: 'Signed-in callers: who may create projects.',
        },
        read_only: { type: 'boolean', description: 'Signed-in callers: whether every write is refused.' },
        has_ca_root: { type: 'boolean', description: 'Signed-in callers: always false.' },
        notification_enable: { type: 'boolean', description: 'Signed-in callers: always false.' },
        registry_storage_provider_name: { type: 'string', description: 'Signed-in callers: the storage driver.' },
      },
    },
  },
};
