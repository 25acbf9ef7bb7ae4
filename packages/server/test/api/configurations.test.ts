import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../src/adapters/db/postgres-test-database.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { createWharf, type Wharf } from '../../src/main.js';
import { ADMIN, api, createUser, expectHarborError } from '../helpers/api-client.js';
import { createProjectWithMembers, createRobotDirect } from '../helpers/principals.js';
import { ADMIN_PASSWORD, TEST_DATABASE, useTestRegistry } from '../helpers/test-registry.js';

type Items = Record<string, { value: unknown; editable: boolean }>;

describe('GET and PUT /configurations', () => {
  const registry = useTestRegistry();
  const get = async () => {
    const res = await api(registry.app, 'GET', '/configurations', ADMIN);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Items>();
  };
  const put = (body: unknown) => api(registry.app, 'PUT', '/configurations', ADMIN, body);

  it('shows each setting with its value and whether it can change; auth_mode only while admin is alone', async () => {
    // The settings but LDAP's and OIDC's (their many keys are tested with their features: test/ldap, test/oidc).
    const core = Object.fromEntries(Object.entries(await get()).filter(([key]) => !/^(oidc|ldap)_/.test(key)));
    expect(core).toEqual({
      auth_mode: { value: 'db_auth', editable: true },
      primary_auth_mode: { value: false, editable: false },
      self_registration: { value: false, editable: true },
      project_creation_restriction: { value: 'everyone', editable: true },
      token_expiration: { value: 30, editable: true },
      read_only: { value: false, editable: true },
      robot_name_prefix: { value: 'robot$', editable: false },
      storage_per_project: { value: -1, editable: true },
      audit_log_forward_endpoint: { value: '', editable: true },
      skip_audit_log_database: { value: false, editable: true },
      disabled_audit_log_event_types: { value: '', editable: true },
      // http_auth's settings (auth-proxy/): a configuration section of its own.
      http_authproxy_endpoint: { value: '', editable: true },
      http_authproxy_tokenreview_endpoint: { value: '', editable: true },
      http_authproxy_admin_groups: { value: '', editable: true },
      http_authproxy_admin_usernames: { value: '', editable: true },
      http_authproxy_verify_cert: { value: true, editable: true },
      http_authproxy_skip_search: { value: false, editable: true },
      http_authproxy_server_certificate: { value: '', editable: true },
      email_host: { value: '', editable: true },
      email_port: { value: 25, editable: true },
      email_username: { value: '', editable: true },
      email_from: { value: '', editable: true },
      email_ssl: { value: false, editable: true },
      email_insecure: { value: false, editable: true },
      email_identity: { value: '', editable: true },
    });
    expect(expectHarborError(await put({ auth_mode: 'kerberos' }), 400, 'BAD_REQUEST')).toContain('ldap_auth');
    // While admin is alone the mode changes, and back.
    expect((await put({ auth_mode: 'ldap_auth' })).statusCode).toBe(200);
    expect((await get()).auth_mode).toEqual({ value: 'ldap_auth', editable: true });
    expect((await put({ auth_mode: 'db_auth' })).statusCode).toBe(200);
    await createUser(registry.app, 'someone');
    expect((await get()).auth_mode).toEqual({ value: 'db_auth', editable: false });
    const frozen = expectHarborError(await put({ auth_mode: 'oidc_auth' }), 400, 'BAD_REQUEST');
    expect(frozen).toBe('auth_mode cannot be changed once users other than admin exist');
    // Writing back the value it has is no change.
    expect(
      (await put({ auth_mode: 'db_auth', robot_name_prefix: 'robot$', primary_auth_mode: false })).statusCode,
    ).toBe(200);
  });

  it('changes settings, and /systeminfo reports the same values', async () => {
    const res = await put({ self_registration: true, project_creation_restriction: 'adminonly', token_expiration: 60 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toBe('');
    expect(await get()).toMatchObject({
      self_registration: { value: true },
      project_creation_restriction: { value: 'adminonly' },
      token_expiration: { value: 60 },
    });
    const info = (await api(registry.app, 'GET', '/systeminfo', ADMIN)).json<Record<string, unknown>>();
    expect(info).toMatchObject({
      self_registration: true,
      project_creation_restriction: 'adminonly',
      read_only: false,
    });
    expect(await registry.wharf.store.settings.get()).toMatchObject({ tokenExpiration: 60 });
    // Null leaves a value as it is (Harbor's fields are nullable); an empty body changes nothing.
    expect((await put({ token_expiration: null })).statusCode).toBe(200);
    expect((await put({})).statusCode).toBe(200);
    expect((await get()).token_expiration?.value).toBe(60);
  });

  const refused: [string, unknown, string][] = [
    ['an unknown key', { no_such_setting: 'x' }, 'unsupported configuration "no_such_setting"'],
    ['a non-boolean self_registration', { self_registration: 'yes' }, 'self_registration must be true or false'],
    ['an unknown restriction', { project_creation_restriction: 'nobody' }, 'project_creation_restriction'],
    ['a zero token expiration', { token_expiration: 0 }, 'token_expiration'],
    ['a negative token expiration', { token_expiration: -5 }, 'token_expiration'],
    ['a fractional token expiration', { token_expiration: 1.5 }, 'token_expiration'],
    ['a token expiration as text', { token_expiration: '30' }, 'token_expiration'],
    ['a numeric read_only', { read_only: 1 }, 'read_only must be true or false'],
    ['a new robot name prefix', { robot_name_prefix: 'bot$' }, 'robot_name_prefix cannot be changed'],
    ['a non-string auth_mode', { auth_mode: 1 }, 'auth_mode must be one of db_auth, ldap_auth, oidc_auth, http_auth'],
    ['an array', [1], 'JSON object'],
  ];
  it.each(refused)('refuses %s with 400', async (_label, body, message) => {
    expect(expectHarborError(await put(body), 400, 'BAD_REQUEST')).toContain(message);
  });

  it('applies all of a change or none of it', async () => {
    expect((await put({ self_registration: false })).statusCode).toBe(200);
    expectHarborError(await put({ self_registration: true, token_expiration: 0 }), 400, 'BAD_REQUEST');
    expect((await get()).self_registration?.value).toBe(false);
  });

  it('is for system administrators only', async () => {
    const { project, members } = await createProjectWithMembers(registry.wharf, 'cfg', { public: false });
    const robot = await createRobotDirect(registry.wharf, 'cfg', [{ resource: 'repository', action: 'pull' }], project);
    for (const as of [members.projectAdmin, robot]) {
      expectHarborError(await api(registry.app, 'GET', '/configurations', as), 403, 'FORBIDDEN');
      expectHarborError(await api(registry.app, 'PUT', '/configurations', as, { read_only: true }), 403, 'FORBIDDEN');
    }
    expectHarborError(await api(registry.app, 'GET', '/configurations'), 401, 'UNAUTHORIZED');
    expectHarborError(await api(registry.app, 'PUT', '/configurations', undefined, {}), 401, 'UNAUTHORIZED');
    expect((await get()).read_only?.value).toBe(false);
  });
});

describe('settings from the configuration file', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function installation(): Promise<Record<string, string>> {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'wharf-settings-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const pg = TEST_DATABASE === 'postgres' ? await createTestDatabase() : undefined;
    if (pg) cleanup.push(() => pg.drop());
    return {
      WHARF_DATA_DIR: dataDir,
      WHARF_LOG_LEVEL: 'silent',
      WHARF_HTTP_ACCESSLOG: 'false',
      WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ...(pg ? { WHARF_DATABASE_DRIVER: 'postgres', WHARF_DATABASE_URL: pg.url } : {}),
    };
  }

  async function start(env: Record<string, string>): Promise<Wharf> {
    const wharf = await createWharf(loadConfig({ env }));
    await wharf.app.ready();
    return wharf;
  }

  it('are stored at first start only; afterwards the database holds them', async () => {
    const env = {
      ...(await installation()),
      WHARF_SETTINGS_SELFREGISTRATION: 'true',
      WHARF_SETTINGS_PROJECTCREATIONRESTRICTION: 'adminonly',
      WHARF_SETTINGS_TOKENEXPIRATION: '45',
      WHARF_SETTINGS_READONLY: 'false',
    };
    const first = await start(env);
    try {
      expect(await first.store.settings.get()).toEqual({
        selfRegistration: true,
        projectCreationRestriction: 'adminonly',
        tokenExpiration: 45,
        readOnly: false,
        authMode: 'db_auth',
        storagePerProject: -1,
        auditLogForwardEndpoint: '',
        skipAuditLogDatabase: false,
        disabledAuditLogEventTypes: '',
      });
      expect((await api(first.app, 'PUT', '/configurations', ADMIN, { token_expiration: 90 })).statusCode).toBe(200);
    } finally {
      await first.close();
    }
    const second = await start({ ...env, WHARF_SETTINGS_SELFREGISTRATION: 'false' });
    try {
      expect(await second.store.settings.get()).toMatchObject({ selfRegistration: true, tokenExpiration: 90 });
    } finally {
      await second.close();
    }
  });

  it('are validated with the rest of the configuration', () => {
    expect(() => loadConfig({ env: { WHARF_SETTINGS_TOKENEXPIRATION: '0' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { WHARF_SETTINGS_AUTHMODE: 'kerberos_auth' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { WHARF_SETTINGS_PROJECTCREATIONRESTRICTION: 'nobody' } })).toThrow(ConfigError);
  });
});
