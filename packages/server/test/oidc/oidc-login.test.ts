import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/ports/clock.js';
import { IdentityProviderUnavailableError } from '../../src/ports/identity-provider.js';
import { ADMIN, api, expectHarborError } from '../helpers/api-client.js';
import { createRobotDirect } from '../helpers/principals.js';
import { sessionApi } from '../helpers/session-client.js';
import { startTestRegistry, type TestRegistry } from '../helpers/test-registry.js';
import { TestBrowser } from './oidc-browser.js';
import { CLIENT_ID, CLIENT_SECRET, startTestOpenIdProvider, type TestOpenIdProvider } from './oidc-provider-harness.js';

const WHARF = 'http://wharf.test';

describe('OIDC sign-in against a real OpenID provider (oidc-provider)', () => {
  const clock = new ManualClock();
  let idp: TestOpenIdProvider;
  let registry: TestRegistry;

  beforeAll(async () => {
    idp = await startTestOpenIdProvider(`${WHARF}/c/oidc/callback`);
    idp.accounts.set('alice-sub', { name: 'alice', email: 'alice@example.com', groups: ['devs', 'wharf-admins'] });
    idp.accounts.set('bob-sub', { name: 'Bob Smith', email: 'bob@example.com', groups: ['devs', 'ops'] });
    idp.accounts.set('carol-sub', { name: 'carol', email: 'carol@example.com', groups: ['devs'] });
    registry = await startTestRegistry({ WHARF_HTTP_BASEURL: WHARF }, { clock });
    const res = await api(registry.app, 'PUT', '/configurations', ADMIN, {
      auth_mode: 'oidc_auth',
      oidc_name: 'Test IdP',
      oidc_endpoint: idp.issuer,
      oidc_client_id: CLIENT_ID,
      oidc_client_secret: CLIENT_SECRET,
      oidc_scope: 'openid,offline_access,profile,email,groups',
      oidc_groups_claim: 'groups',
      oidc_admin_group: 'wharf-admins',
      oidc_verify_cert: false,
      oidc_auto_onboard: true,
      // oidc-provider, as the OpenID spec says, grants offline_access (a refresh token) only with prompt=consent.
      oidc_extra_redirect_parms: '{"prompt":"consent","ui_locales":"en"}',
    });
    expect(res.statusCode, res.body).toBe(200);
  });

  afterAll(async () => {
    await registry?.close();
    await idp?.close();
  });

  const browserFor = (account: string) => {
    idp.signInAs(account);
    return new TestBrowser(registry.app, WHARF);
  };

  const current = async (browser: TestBrowser) => {
    const res = await sessionApi(registry.app, 'GET', '/users/current', browser.session());
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{
      user_id: number;
      username: string;
      email: string;
      sysadmin_flag: boolean;
      admin_role_in_auth: boolean;
      oidc_user_meta?: { secret?: string; subiss: string };
    }>();
  };

  it('shows the configuration (never the client secret) and tells the portal the provider name', async () => {
    const config = (await api(registry.app, 'GET', '/configurations', ADMIN)).json<
      Record<string, { value: unknown }>
    >();
    expect(config.oidc_endpoint?.value).toBe(idp.issuer);
    expect(config.oidc_verify_cert?.value).toBe(false);
    expect(config).not.toHaveProperty('oidc_client_secret');
    const info = (await api(registry.app, 'GET', '/systeminfo')).json<Record<string, unknown>>();
    expect(info).toMatchObject({ auth_mode: 'oidc_auth', oidc_provider_name: 'Test IdP' });
    expect(
      expectHarborError(
        await api(registry.app, 'PUT', '/configurations', ADMIN, { oidc_scope: 'profile' }),
        400,
        'BAD_REQUEST',
      ),
    ).toMatch(/openid/);
  });

  it('redirects to the provider with PKCE, state, nonce and the extra parameters', async () => {
    const browser = browserFor('alice-sub');
    const step = await browser.get(new URL('/c/oidc/login', WHARF));
    expect(step.status).toBe(302);
    const url = new URL(step.location!);
    expect(url.origin).toBe(idp.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: CLIENT_ID,
      response_type: 'code',
      code_challenge_method: 'S256',
      redirect_uri: `${WHARF}/c/oidc/callback`,
      ui_locales: 'en',
      prompt: 'consent',
      scope: 'openid offline_access profile email groups',
    });
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(browser.wharfCookies.get('oidc_login')).toMatch(/^enc:v1:/);
  });

  let alice: { user_id: number; secret: string };

  it('onboards a new user automatically, with the admin group making them an administrator', async () => {
    const browser = browserFor('alice-sub');
    const end = await browser.follow('/c/oidc/login?redirect_url=/harbor/projects');
    expect(end.status).toBe(302);
    expect(end.location).toBe('/harbor/projects');
    const me = await current(browser);
    // The admin group makes her an administrator through the provider (Harbor's admin_role_in_auth).
    expect(me).toMatchObject({
      username: 'alice',
      email: 'alice@example.com',
      sysadmin_flag: false,
      admin_role_in_auth: true,
    });
    expect((await sessionApi(registry.app, 'GET', '/configurations', browser.session())).statusCode).toBe(200);
    // The groups claim's groups exist as OIDC user groups (type 3).
    const groups = (await api(registry.app, 'GET', '/usergroups', ADMIN)).json<
      { group_name: string; group_type: number }[]
    >();
    expect(groups.map((g) => [g.group_type, g.group_name]).sort()).toEqual([
      [3, 'devs'],
      [3, 'wharf-admins'],
    ]);
    expect(me.oidc_user_meta?.subiss).toBe(`alice-sub${idp.issuer}`);
    expect(me.oidc_user_meta?.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    alice = { user_id: me.user_id, secret: me.oidc_user_meta!.secret! };
  });

  it('signs a returning user in to the same account', async () => {
    const browser = browserFor('alice-sub');
    const end = await browser.follow('/c/oidc/login');
    expect(end.location).toBe('/');
    const me = await current(browser);
    expect(me.user_id).toBe(alice.user_id);
    expect(me.oidc_user_meta?.secret).toBe(alice.secret);
  });

  it('sends a new user to the onboarding page without auto onboard; they choose their name', async () => {
    expect((await api(registry.app, 'PUT', '/configurations', ADMIN, { oidc_auto_onboard: false })).statusCode).toBe(
      200,
    );
    try {
      const browser = browserFor('bob-sub');
      const end = await browser.follow('/c/oidc/login');
      expect(end.location).toBe('/oidc-onboard?username=Bob_Smith');
      expect(browser.wharfCookies.has('sid')).toBe(false);
      const onboard = (username: string) =>
        registry.app.inject({
          method: 'POST',
          url: '/c/oidc/onboard',
          headers: { cookie: `oidc_onboard=${browser.wharfCookies.get('oidc_onboard')}` },
          payload: { username },
        });
      // A name held by another account is refused (no takeover), as is an invalid one.
      expect((await onboard('admin')).statusCode).toBe(409);
      expect((await onboard('bad name')).statusCode).toBe(400);
      const res = await onboard('bob');
      expect(res.statusCode, res.body).toBe(200);
      const sid = /sid=([^;]+)/.exec(String(res.headers['set-cookie']))![1]!;
      const me = await sessionApi(registry.app, 'GET', '/users/current', { sid, csrf: '' });
      expect(me.json()).toMatchObject({ username: 'bob', email: 'bob@example.com', admin_role_in_auth: false });
      // The pending identity is onboarded once.
      expect((await onboard('bob2')).statusCode).toBe(409);
      // Without a pending login there is nothing to onboard.
      const none = await registry.app.inject({ method: 'POST', url: '/c/oidc/onboard', payload: { username: 'x' } });
      expect(none.statusCode).toBe(401);
    } finally {
      await api(registry.app, 'PUT', '/configurations', ADMIN, { oidc_auto_onboard: true });
    }
  });

  it('refuses a callback with a wrong state, without the login cookie, or replayed', async () => {
    const browser = browserFor('carol-sub');
    const atCallback = await browser.follow('/c/oidc/login', (url) => url.pathname === '/c/oidc/callback');
    const callback = new URL(atCallback.location!, WHARF);
    const loginCookie = browser.wharfCookies.get('oidc_login')!;
    const hit = (url: URL, cookie?: string) =>
      registry.app.inject({ method: 'GET', url: `${url.pathname}${url.search}`, headers: cookie ? { cookie } : {} });

    const wrongState = new URL(callback);
    wrongState.searchParams.set('state', 'forged');
    expect((await hit(wrongState, `oidc_login=${loginCookie}`)).statusCode).toBe(401);
    expect((await hit(callback)).statusCode).toBe(401);
    // The provider refuses a code used twice; the first use (after the forged one failed) logs in.
    const first = await hit(callback, `oidc_login=${loginCookie}`);
    expect(first.statusCode, first.body).toBe(302);
    expect(String(first.headers['set-cookie'])).toMatch(/sid=/);
    const replay = await hit(callback, `oidc_login=${loginCookie}`);
    expect(replay.statusCode).toBe(401);
    expect(String(replay.headers['set-cookie'] ?? '')).not.toMatch(/sid=[^;]/);
  });

  it('shows the CLI secret only to its user; the user or an administrator sets a new one', async () => {
    const bob = browserFor('bob-sub');
    await bob.follow('/c/oidc/login');
    const bobMe = await current(bob);
    // Another user may not read alice; an administrator sees her OIDC record but not her secret.
    expect((await sessionApi(registry.app, 'GET', `/users/${alice.user_id}`, bob.session())).statusCode).toBe(403);
    const asAdmin = (await api(registry.app, 'GET', `/users/${alice.user_id}`, ADMIN)).json<{
      oidc_user_meta?: object;
    }>();
    expect(asAdmin.oidc_user_meta).toBeDefined();
    expect(asAdmin.oidc_user_meta).not.toHaveProperty('secret');
    // Setting: not for another user, never a weak secret; the user themselves and the administrator may.
    const put = (userId: number, secret: string, session = bob.session()) =>
      sessionApi(registry.app, 'PUT', `/users/${userId}/cli_secret`, session, { csrf: true, body: { secret } });
    expectHarborError(await put(alice.user_id, 'Sup3rSecret'), 403, 'FORBIDDEN');
    expectHarborError(await put(bobMe.user_id, 'weak'), 400, 'BAD_REQUEST');
    expect((await put(bobMe.user_id, 'Bob5Secret!')).statusCode).toBe(200);
    expect((await current(bob)).oidc_user_meta?.secret).toBe('Bob5Secret!');
    const byAdmin = await api(registry.app, 'PUT', `/users/${bobMe.user_id}/cli_secret`, ADMIN, {
      secret: 'Adm1nChosen',
    });
    expect(byAdmin.statusCode).toBe(200);
    // The local administrator is no OIDC user.
    expectHarborError(
      await api(registry.app, 'PUT', '/users/1/cli_secret', ADMIN, { secret: 'Adm1nChosen' }),
      412,
      'PRECONDITION',
    );
  });

  it('authorises the OIDC endpoints as a matrix: anonymous, a robot, another user, the user, the administrator', async () => {
    const carol = browserFor('carol-sub');
    await carol.follow('/c/oidc/login');
    const carolId = (await current(carol)).user_id;
    const bob = browserFor('bob-sub');
    await bob.follow('/c/oidc/login');
    const robot = await createRobotDirect(registry.wharf, 'matrix', [{ resource: 'repository', action: 'pull' }]);
    type Caller = 'anonymous' | 'robot' | 'other' | 'self' | 'admin';
    const call = (caller: Caller, method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown) => {
      if (caller === 'other' || caller === 'self') {
        return sessionApi(registry.app, method, path, (caller === 'self' ? carol : bob).session(), {
          csrf: true,
          body,
        });
      }
      return api(
        registry.app,
        method,
        path,
        caller === 'anonymous' ? undefined : caller === 'robot' ? robot : ADMIN,
        body,
      );
    };
    const matrix: [string, 'GET' | 'PUT' | 'POST', string, unknown, Record<Caller, number>][] = [
      [
        'set the CLI secret',
        'PUT',
        `/users/${carolId}/cli_secret`,
        { secret: 'Car0lSecret' },
        { anonymous: 401, robot: 403, other: 403, self: 200, admin: 200 },
      ],
      [
        'read the user',
        'GET',
        `/users/${carolId}`,
        undefined,
        { anonymous: 401, robot: 403, other: 403, self: 200, admin: 200 },
      ],
      [
        'ping the provider',
        'POST',
        '/system/oidc/ping',
        { url: idp.issuer, verify_cert: false },
        { anonymous: 401, robot: 403, other: 403, self: 403, admin: 200 },
      ],
    ];
    for (const [what, method, path, body, expected] of matrix) {
      for (const caller of Object.keys(expected) as Caller[]) {
        const res = await call(caller, method, path, body);
        expect(res.statusCode, `${caller}: ${what} → ${res.body}`).toBe(expected[caller]);
        // Only the user themselves sees the secret.
        if (what === 'read the user' && res.statusCode === 200) {
          expect(Object.hasOwn(res.json<{ oidc_user_meta: object }>().oidc_user_meta, 'secret')).toBe(
            caller === 'self',
          );
        }
      }
    }
  });

  it('checks an endpoint for administrators (POST /system/oidc/ping)', async () => {
    expect(
      (await api(registry.app, 'POST', '/system/oidc/ping', ADMIN, { url: idp.issuer, verify_cert: false })).statusCode,
    ).toBe(200);
    expectHarborError(
      await api(registry.app, 'POST', '/system/oidc/ping', ADMIN, { url: 'http://127.0.0.1:1', verify_cert: false }),
      400,
      'BAD_REQUEST',
    );
    // Verifying certificates, a plain http endpoint is refused (openid-client allows http only without verification).
    expectHarborError(
      await api(registry.app, 'POST', '/system/oidc/ping', ADMIN, { url: idp.issuer, verify_cert: true }),
      400,
      'BAD_REQUEST',
    );
    expect((await api(registry.app, 'POST', '/system/oidc/ping', undefined, { url: idp.issuer })).statusCode).toBe(401);
  });

  it('accepts the CLI secret while the provider session can be refreshed: groups follow, a revoked one refuses', async () => {
    const provider = registry.wharf.oidc.provider;
    expect(await provider.authenticate('alice', 'wrong')).toBeUndefined();
    const first = await provider.authenticate('alice', alice.secret);
    expect(first).toMatchObject({ username: 'alice', admin: true, email: 'alice@example.com' });
    expect(first!.groups.map((g) => [g.type, g.name])).toEqual([
      [3, 'devs'],
      [3, 'wharf-admins'],
    ]);
    // A group removed at the provider is gone once the access token has expired and been refreshed.
    idp.accounts.get('alice-sub')!.groups = ['devs'];
    expect((await provider.authenticate('alice', alice.secret))!.groups).toHaveLength(2);
    clock.advanceSeconds(3601);
    const refreshed = await provider.authenticate('alice', alice.secret);
    expect(refreshed).toMatchObject({ admin: false, groups: [{ type: 3, name: 'devs' }] });
    // Until the refreshed access token expires, logins do not go to the provider again.
    expect(idp.revokeTokensOf('alice-sub')).toBeGreaterThan(0);
    expect(await provider.authenticate('alice', alice.secret)).toBeDefined();
    // Then the revoked refresh token refuses the login.
    clock.advanceSeconds(3601);
    expect(await provider.authenticate('alice', alice.secret)).toBeUndefined();
    // Signing in on the portal again gives a new refresh token: the CLI secret works again.
    await browserFor('alice-sub').follow('/c/oidc/login');
    clock.advanceSeconds(3601);
    expect(await provider.authenticate('alice', alice.secret)).toMatchObject({ username: 'alice' });
  });

  it('tells an unreachable provider apart from a refusal (last: it stops the provider)', async () => {
    const provider = registry.wharf.oidc.provider;
    await idp.close();
    clock.advanceSeconds(3601);
    await expect(provider.authenticate('alice', alice.secret)).rejects.toThrow(IdentityProviderUnavailableError);
    expect(await provider.authenticate('alice', 'wrong')).toBeUndefined();
  });
});
