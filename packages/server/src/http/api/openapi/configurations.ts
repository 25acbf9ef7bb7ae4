import { LDAP_CONFIGURATIONS } from './ldap.js';
import { emptyResponse, errors, jsonBody, jsonResponse, schemaRef, type ApiArea, type SchemaObject } from './common.js';

const CONFIGURE = ['configure'];

/** A configuration item of the response: its value and whether it can be changed. */
function item(value: SchemaObject): SchemaObject {
  return {
    type: 'object',
    required: ['value', 'editable'],
    properties: {
      value,
      editable: { type: 'boolean', description: 'Whether `PUT /configurations` may change the value.' },
    },
  };
}

/** OIDC's settings (oidc/oidc-settings.ts): their types and meanings, shared by the response and the request. */
const OIDC_FIELDS: Readonly<Record<string, SchemaObject>> = {
  oidc_name: { type: 'string', description: 'The provider’s name, shown on the portal’s "Sign in via" button.' },
  oidc_endpoint: { type: 'string', description: 'The issuer URL (its /.well-known/openid-configuration is read).' },
  oidc_client_id: { type: 'string', description: 'The client id registered at the provider.' },
  oidc_groups_claim: { type: 'string', description: 'The claim listing the user’s groups (empty: no groups).' },
  oidc_admin_group: { type: 'string', description: 'Members of this group are system administrators.' },
  oidc_group_filter: { type: 'string', description: 'A regular expression the group names kept must match.' },
  oidc_scope: {
    type: 'string',
    description:
      'Comma-separated scopes; must contain `openid`. Without `offline_access` most providers give no refresh ' +
      'token, and CLI secrets stop working when the first access token expires.',
  },
  oidc_verify_cert: {
    type: 'boolean',
    description: 'Verify the provider’s TLS certificate; false also allows a plain http endpoint.',
  },
  oidc_auto_onboard: {
    type: 'boolean',
    description: 'Create users at their first login under the user claim’s name (else they choose one).',
  },
  oidc_user_claim: { type: 'string', description: 'The claim holding the user name (empty: `name`).' },
  oidc_extra_redirect_parms: {
    type: 'string',
    description: 'A JSON object of extra parameters for the authorisation request, e.g. `{"prompt":"login"}`.',
  },
};

const OIDC_ITEMS = Object.fromEntries(Object.entries(OIDC_FIELDS).map(([k, v]) => [k, item(v)]));
const OIDC_SETTINGS = Object.fromEntries(Object.entries(OIDC_FIELDS).map(([k, v]) => [k, { ...v, nullable: true }]));
/** `http_auth`'s settings (auth-proxy/auth-proxy-settings.ts): each key's schema. */
const AUTH_PROXY: Readonly<Record<string, SchemaObject>> = {
  http_authproxy_endpoint: {
    type: 'string',
    description: 'The login endpoint: the user name and password are POSTed to it with Basic authentication.',
  },
  http_authproxy_tokenreview_endpoint: {
    type: 'string',
    description: 'The endpoint reviewing the login’s token (a Kubernetes TokenReview): user name and groups.',
  },
  http_authproxy_admin_groups: {
    type: 'string',
    description: 'Comma-separated groups whose users are administrators.',
  },
  http_authproxy_admin_usernames: { type: 'string', description: 'Comma-separated users who are administrators.' },
  http_authproxy_verify_cert: { type: 'boolean', description: 'Verify the proxy’s TLS certificate.' },
  http_authproxy_skip_search: { type: 'boolean', description: 'Kept for Harbor’s clients; Wharf never searches.' },
  http_authproxy_server_certificate: { type: 'string', description: 'A PEM certificate to trust for the proxy.' },
};
const AUTH_PROXY_ITEMS = Object.fromEntries(Object.entries(AUTH_PROXY).map(([key, schema]) => [key, item(schema)]));
const AUTH_PROXY_CHANGES = Object.fromEntries(
  Object.entries(AUTH_PROXY).map(([key, schema]) => [key, { ...schema, nullable: true }]),
);

/** /configurations: the system settings, for system administrators. */
export const CONFIGURATIONS_AREA: ApiArea = {
  tag: { name: 'configure', description: 'System settings (system administrators).' },
  paths: {
    '/configurations': {
      get: {
        operationId: 'getConfigurations',
        summary: 'The system settings',
        tags: CONFIGURE,
        responses: {
          '200': jsonResponse('Every setting Wharf keeps.', schemaRef('ConfigurationsResponse')),
          ...errors(403),
        },
      },
      put: {
        operationId: 'updateConfigurations',
        summary: 'Change system settings',
        description:
          'Applies every given setting or none. Unknown keys, wrong types and changes to settings that are not ' +
          'editable are refused; repeating a current value is accepted, so a client may send back what it read. ' +
          'Allowed in read-only mode (to leave it).',
        tags: CONFIGURE,
        requestBody: jsonBody('The settings to change.', schemaRef('Configurations')),
        responses: { '200': emptyResponse('Changed.'), ...errors(400, 403) },
      },
    },
  },
  schemas: {
    ConfigurationsResponse: {
      type: 'object',
      required: [
        'auth_mode',
        'primary_auth_mode',
        'self_registration',
        'project_creation_restriction',
        'token_expiration',
        'read_only',
        'robot_name_prefix',
        'storage_per_project',
        'audit_log_forward_endpoint',
        'skip_audit_log_database',
        'disabled_audit_log_event_types',
      ],
      properties: {
        auth_mode: item({
          type: 'string',
          enum: ['db_auth', 'ldap_auth', 'oidc_auth', 'http_auth'],
          description: 'How users authenticate.',
        }),
        primary_auth_mode: item({ type: 'boolean', description: 'Always false.' }),
        self_registration: item({ type: 'boolean', description: 'Whether anyone may create an account.' }),
        project_creation_restriction: item({
          type: 'string',
          enum: ['everyone', 'adminonly'],
          description: 'Who may create projects.',
        }),
        token_expiration: item({
          type: 'integer',
          minimum: 1,
          maximum: 2147483647,
          description: 'Lifetime of registry tokens, in minutes.',
        }),
        read_only: item({ type: 'boolean', description: 'Whether every write is refused.' }),
        robot_name_prefix: item({ type: 'string', enum: ['robot$'], description: 'What robot names start with.' }),
        storage_per_project: item({
          type: 'integer',
          format: 'int64',
          minimum: -1,
          description: 'The hard storage limit in bytes of new projects’ quotas; -1 for no limit.',
        }),
        audit_log_forward_endpoint: item({
          type: 'string',
          description: 'The syslog server (`host:port`) audit records are forwarded to; empty for none.',
        }),
        skip_audit_log_database: item({
          type: 'boolean',
          description: 'Whether audit records are only forwarded, not stored.',
        }),
        disabled_audit_log_event_types: item({
          type: 'string',
          description: 'Comma-separated audit event types (`/auditlog-exts/events`) that are not recorded.',
        }),
        ...OIDC_ITEMS,
        ...AUTH_PROXY_ITEMS,
        email_host: item({
          type: 'string',
          description: 'The SMTP server that sends password reset links; empty for none.',
        }),
        email_port: item({ type: 'integer', minimum: 1, maximum: 65535, description: 'Its port (default 25).' }),
        email_username: item({ type: 'string', description: 'The SMTP user name; empty: no authentication.' }),
        email_from: item({
          type: 'string',
          description: 'The sender of the mails, e.g. `Wharf <registry@example.com>`.',
        }),
        email_ssl: item({
          type: 'boolean',
          description: 'TLS from the first byte (SMTPS); otherwise STARTTLS when offered.',
        }),
        email_insecure: item({
          type: 'boolean',
          description: 'Whether a server certificate that does not verify is accepted.',
        }),
        email_identity: item({
          type: 'string',
          description: 'The name given in the SMTP greeting; empty: the host name.',
        }),
        ...Object.fromEntries(Object.entries(LDAP_CONFIGURATIONS).map(([key, schema]) => [key, item(schema)])),
      },
    },
    Configurations: {
      type: 'object',
      description: 'The settings to change; `null` leaves a setting as it is. No other keys are accepted.',
      additionalProperties: false,
      properties: {
        auth_mode: { type: 'string', enum: ['db_auth', 'ldap_auth', 'oidc_auth', 'http_auth'], nullable: true },
        primary_auth_mode: { type: 'boolean', nullable: true, description: 'Only its current value, false.' },
        self_registration: { type: 'boolean', nullable: true },
        project_creation_restriction: { type: 'string', enum: ['everyone', 'adminonly'], nullable: true },
        token_expiration: { type: 'integer', minimum: 1, maximum: 2147483647, nullable: true },
        read_only: { type: 'boolean', nullable: true },
        robot_name_prefix: { type: 'string', enum: ['robot$'], nullable: true, description: 'Cannot change.' },
        storage_per_project: {
          type: 'integer',
          format: 'int64',
          minimum: -1,
          nullable: true,
          description: '-1 (no limit) or a positive number of bytes; applies to projects created afterwards.',
        },
        audit_log_forward_endpoint: {
          type: 'string',
          nullable: true,
          description: '`host:port` of a syslog server (protocol and TLS from `audit.forward`), or empty.',
        },
        skip_audit_log_database: {
          type: 'boolean',
          nullable: true,
          description: 'Forward only; refused while no forward endpoint is set.',
        },
        disabled_audit_log_event_types: {
          type: 'string',
          nullable: true,
          description: 'Comma-separated event types not recorded, e.g. `pull_artifact,login_user`.',
        },
        ...OIDC_SETTINGS,
        oidc_client_secret: {
          type: 'string',
          nullable: true,
          description: 'The client secret; stored encrypted, never shown by GET.',
        },
        ...AUTH_PROXY_CHANGES,
        email_host: { type: 'string', nullable: true, maxLength: 255 },
        email_port: { type: 'integer', minimum: 1, maximum: 65535, nullable: true },
        email_username: { type: 'string', nullable: true, maxLength: 255 },
        email_password: {
          type: 'string',
          nullable: true,
          description: 'Stored encrypted and never returned; empty clears it.',
        },
        email_from: { type: 'string', nullable: true, maxLength: 255 },
        email_ssl: { type: 'boolean', nullable: true },
        email_insecure: { type: 'boolean', nullable: true },
        email_identity: { type: 'string', nullable: true, maxLength: 255 },
        ...Object.fromEntries(
          Object.entries(LDAP_CONFIGURATIONS).map(([key, schema]) => [key, { ...schema, nullable: true }]),
        ),
        ldap_search_password: {
          type: 'string',
          nullable: true,
          description: 'The search DN’s password: stored encrypted, never returned; empty removes it.',
        },
      },
    },
  },
};
