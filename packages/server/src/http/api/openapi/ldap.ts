import { emptyResponse, errors, jsonBody, jsonResponse, schemaRef, type ApiArea, type SchemaObject } from './common.js';

const LDAP = ['Ldap'];

const STRING = (description: string): SchemaObject => ({ type: 'string', description });

/**
 * The `ldap_*` configurations (`/configurations`), shared by the response (each wrapped in `{value, editable}`) and
 * the update body. `ldap_search_password` is written only. `ldap_start_tls` and `ldap_nested_groups` are Wharf's.
 */
export const LDAP_CONFIGURATIONS: Readonly<Record<string, SchemaObject>> = {
  ldap_url: STRING(
    'The LDAP server: `ldap://host[:port]` or `ldaps://host[:port]` (a host alone means `ldap://`); empty: none.',
  ),
  ldap_start_tls: {
    type: 'boolean',
    description: 'Wharf: upgrade an `ldap://` connection with StartTLS before binding (Harbor has only ldaps).',
  },
  ldap_verify_cert: { type: 'boolean', description: 'Verify the server’s certificate (ldaps and StartTLS).' },
  ldap_search_dn: STRING('The DN Wharf binds with to search users and groups; empty: anonymous search.'),
  ldap_base_dn: STRING('Where users are searched.'),
  ldap_filter: STRING('An LDAP filter users must also match, e.g. `(objectClass=person)`; excludes disabled users.'),
  ldap_uid: STRING('The attribute holding the user name (`uid`, `cn`, `sAMAccountName`…).'),
  ldap_scope: { type: 'integer', enum: [0, 1, 2], description: 'User search scope: 0 base, 1 one level, 2 subtree.' },
  ldap_timeout: {
    type: 'integer',
    minimum: 1,
    maximum: 3600,
    description: 'Seconds to wait for the connection and for each answer.',
  },
  ldap_group_base_dn: STRING('Where groups are searched; empty: LDAP groups are not used.'),
  ldap_group_search_filter: STRING('An LDAP filter groups must also match, e.g. `(objectClass=groupOfNames)`.'),
  ldap_group_attribute_name: STRING('The attribute holding a group’s name (`cn`).'),
  ldap_group_admin_dn: STRING('Members of the group with this DN are system administrators.'),
  ldap_group_membership_attribute: STRING(
    'The attribute of a user entry listing the DNs of its groups (`memberOf`); when the entry has none, groups ' +
      'are searched with `member=<user DN>`.',
  ),
  ldap_group_search_scope: {
    type: 'integer',
    enum: [0, 1, 2],
    description: 'Group search scope: 0 base, 1 one level, 2 subtree.',
  },
  ldap_group_attach_parallel: {
    type: 'boolean',
    description: 'Read the entries of a user’s groups 5 at a time rather than one by one.',
  },
  ldap_nested_groups: {
    type: 'boolean',
    description: 'Wharf: also make users members of the groups their groups are members of (`member`), to any depth.',
  },
};

const LDAP_CONF: SchemaObject = {
  type: 'object',
  description:
    'Settings to try instead of the stored ones; absent or null keys keep the stored value (the stored search ' +
    'password included).',
  properties: {
    ldap_url: { ...LDAP_CONFIGURATIONS.ldap_url!, nullable: true },
    ldap_start_tls: { ...LDAP_CONFIGURATIONS.ldap_start_tls!, nullable: true },
    ldap_search_dn: { ...LDAP_CONFIGURATIONS.ldap_search_dn!, nullable: true },
    ldap_search_password: { type: 'string', nullable: true, description: 'The search DN’s password.' },
    ldap_base_dn: { ...LDAP_CONFIGURATIONS.ldap_base_dn!, nullable: true },
    ldap_filter: { ...LDAP_CONFIGURATIONS.ldap_filter!, nullable: true },
    ldap_uid: { ...LDAP_CONFIGURATIONS.ldap_uid!, nullable: true },
    ldap_scope: { ...LDAP_CONFIGURATIONS.ldap_scope!, nullable: true },
    ldap_connection_timeout: { ...LDAP_CONFIGURATIONS.ldap_timeout!, nullable: true },
    ldap_verify_cert: { ...LDAP_CONFIGURATIONS.ldap_verify_cert!, nullable: true },
  },
};

/** /ldap: trying the LDAP settings, and finding and importing the directory's users and groups. */
export const LDAP_AREA: ApiArea = {
  tag: {
    name: 'Ldap',
    description:
      'The LDAP directory of `ldap_auth` (system administrators): test the settings, search and import users, ' +
      'search groups. A directory that cannot be reached answers 500 with the reason.',
  },
  paths: {
    '/ldap/ping': {
      post: {
        operationId: 'pingLdap',
        summary: 'Test the LDAP settings',
        description:
          'Connects and binds with the search DN, with the stored settings or those given. A failure is an answer ' +
          '(`success` false and why), not an error.',
        tags: LDAP,
        requestBody: { ...jsonBody('Settings to try (optional).', schemaRef('LdapConf')), required: false },
        responses: {
          '200': jsonResponse('Whether the server answered.', schemaRef('LdapPingResult')),
          ...errors(400, 403),
        },
      },
    },
    '/ldap/users/search': {
      get: {
        operationId: 'searchLdapUser',
        summary: 'Search the directory’s users',
        description: 'The users whose UID attribute is `username` (every user, at most 1000, without it).',
        tags: LDAP,
        parameters: [
          { name: 'username', in: 'query', description: 'The user name (UID attribute).', schema: { type: 'string' } },
        ],
        responses: {
          '200': jsonResponse('The users found.', { type: 'array', items: schemaRef('LdapUser') }),
          ...errors(400, 403),
        },
      },
    },
    '/ldap/users/import': {
      post: {
        operationId: 'importLdapUser',
        summary: 'Import directory users',
        description:
          'Creates a Wharf user (without a password: they sign in through LDAP) for each user ID. The IDs that ' +
          'could not be imported (unknown to the directory, or already a Wharf user) are answered with 404.',
        tags: LDAP,
        requestBody: jsonBody('The user IDs.', schemaRef('LdapImportUsers')),
        responses: {
          '200': emptyResponse('Every user was imported.'),
          '404': jsonResponse('The users that were not imported, and why.', {
            type: 'array',
            items: schemaRef('LdapFailedImportUser'),
          }),
          ...errors(400, 403),
        },
      },
    },
    '/ldap/groups/search': {
      get: {
        operationId: 'searchLdapGroup',
        summary: 'Search the directory’s groups',
        description: 'Groups under `ldap_group_base_dn` by name, or the group at a DN; one of the two is needed.',
        tags: LDAP,
        parameters: [
          {
            name: 'groupname',
            in: 'query',
            description: 'The group name attribute’s value.',
            schema: { type: 'string' },
          },
          { name: 'groupdn', in: 'query', description: 'The group’s DN.', schema: { type: 'string' } },
        ],
        responses: {
          '200': jsonResponse('The groups found.', { type: 'array', items: schemaRef('LdapUserGroup') }),
          ...errors(400, 403),
        },
      },
    },
  },
  schemas: {
    LdapConf: LDAP_CONF,
    LdapPingResult: {
      type: 'object',
      required: ['success', 'message'],
      properties: {
        success: { type: 'boolean', description: 'Whether the server answered and the search DN could bind.' },
        message: { type: 'string', description: 'What happened.' },
      },
    },
    LdapUser: {
      type: 'object',
      required: ['username', 'realname', 'email'],
      properties: {
        username: { type: 'string', description: 'The UID attribute’s value.' },
        realname: { type: 'string', description: 'From `displayName`, else `cn`.' },
        email: { type: 'string', description: 'From `mail` (or `email`); empty when the entry has none.' },
      },
    },
    LdapImportUsers: {
      type: 'object',
      required: ['ldap_uid_list'],
      properties: { ldap_uid_list: { type: 'array', items: { type: 'string' }, description: 'The user IDs.' } },
    },
    LdapFailedImportUser: {
      type: 'object',
      required: ['uid', 'error'],
      properties: {
        uid: { type: 'string', description: 'The user ID that was not imported.' },
        error: { type: 'string', description: 'Why.' },
      },
    },
    LdapUserGroup: {
      type: 'object',
      required: ['group_name', 'group_type', 'ldap_group_dn'],
      properties: {
        group_name: { type: 'string', description: 'The group name attribute’s value.' },
        group_type: { type: 'integer', enum: [1], description: '1: an LDAP group.' },
        ldap_group_dn: { type: 'string', description: 'The group’s DN.' },
      },
    },
  },
};
