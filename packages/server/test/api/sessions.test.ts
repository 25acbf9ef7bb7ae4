import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { authPurgeJob } from '../../src/jobs/auth-purge.js';
import { ManualClock } from '../../src/ports/clock.js';
import { AuthEventRecorder } from '../../src/services/auth-events.js';
import { LoginGuard } from '../../src/services/login-guard.js';
import { sessionIdHash, SessionService } from '../../src/services/sessions.js';
import { Authenticator } from '../../src/services/authenticator.js';
import { loadConfig } from '../../src/config/index.js';
import { ADMIN, api, basic, expectHarborError } from '../helpers/api-client.js';
import { createProjectWithMembers, createRobotDirect, createUserDirect, PASSWORD } from '../helpers/principals.js';
import { freePort } from '../helpers/registry-process.js';
import { login, postLogin, sessionApi, setCookies } from '../helpers/session-client.js';
import { startTestRegistry, useTestRegistry, type TestRegistry } from '../helpers/test-registry.js';

const run = promisify(execFile);

/** The configuration with every default. */
const loadConfigDefaults = () => loadConfig({ env: {} });

async function userId(registry: TestRegistry, name: string): Promise<number> {
  const user = await registry.wharf.store.users.getByName(name);
  return user!.id;
}

describe('POST /c/login', () => {
  const registry = useTestRegistry();

  it('opens a session: an HttpOnly, SameSite=Lax sid cookie for 30 minutes, and the CSRF token', async () => {
    const alice = await createUserDirect(registry.wharf, 'alice');
    const res = await postLogin(registry.app, alice.username, alice.password);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toBe('');
    const cookies = setCookies(res);
    const sid = cookies.get('sid');
    expect(sid?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Object.fromEntries(sid!.attributes)).toEqual({
      path: '/',
      'max-age': '1800',
      httponly: '',
      samesite: 'Lax',
    });
    // Over plain HTTP the cookies are not Secure.
    const csrf = cookies.get('__csrf');
    expect(csrf?.value).toBe(res.headers['x-harbor-csrf-token']);
    expect(csrf?.attributes.has('httponly')).toBe(false);
    expect(csrf?.attributes.get('max-age')).toBe('1800');
    expect(csrf?.attributes.get('samesite')).toBe('Lax');
  });

  it('stores only the SHA-256 of the session id, with its user and expiry', async () => {
    const bob = await createUserDirect(registry.wharf, 'bob');
    const before = Date.now();
    const session = await login(registry.app, bob);
    expect(await registry.wharf.store.sessions.get(session.sid)).toBeUndefined();
    const stored = await registry.wharf.store.sessions.get(sessionIdHash(session.sid));
    expect(stored?.userId).toBe(await userId(registry, 'bob'));
    expect(stored?.clientIp).toBe('127.0.0.1');
    expect(stored!.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 1800_000);
    expect(stored!.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 1800_000);
  });

  it('accepts JSON credentials as well', async () => {
    const carol = await createUserDirect(registry.wharf, 'carol');
    const res = await registry.app.inject({
      method: 'POST',
      url: '/c/login',
      payload: { principal: carol.username, password: carol.password },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(setCookies(res).get('sid')?.value).toBeTruthy();
  });

  it('refuses wrong credentials and unknown users with 401 and sets no cookie', async () => {
    await createUserDirect(registry.wharf, 'dave');
    for (const [principal, password] of [
      ['dave', 'Wrong1pass'],
      ['nobody', PASSWORD],
    ] as const) {
      const res = await postLogin(registry.app, principal, password);
      expect(expectHarborError(res, 401, 'UNAUTHORIZED')).toBe('invalid username or password');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.headers['x-harbor-csrf-token']).toBeUndefined();
    }
  });

  it('refuses robot accounts, which have no portal sessions', async () => {
    const { project } = await createProjectWithMembers(registry.wharf, 'robots', { public: false });
    const robot = await createRobotDirect(registry.wharf, 'ci', [{ resource: 'repository', action: 'pull' }], project);
    expect((await api(registry.app, 'GET', '/ping', robot)).statusCode).toBe(200);
    const res = await postLogin(registry.app, robot.username, robot.password);
    expectHarborError(res, 401, 'UNAUTHORIZED');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('answers 400 when the principal or the password is missing', async () => {
    const res = await registry.app.inject({
      method: 'POST',
      url: '/c/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'principal=admin',
    });
    expectHarborError(res, 400, 'BAD_REQUEST');
    expectHarborError(await registry.app.inject({ method: 'POST', url: '/c/login' }), 400, 'BAD_REQUEST');
  });

  it('refuses cross-site logins by Origin and Sec-Fetch-Site, and accepts same-origin ones', async () => {
    const crossSite: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: 'http://localhost.evil.example' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of crossSite) {
      const res = await postLogin(registry.app, ADMIN.username, ADMIN.password, headers);
      expect(expectHarborError(res, 403, 'FORBIDDEN')).toBe('cross-site request refused');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const sameOrigin: Record<string, string>[] = [
      { origin: 'http://localhost' },
      { origin: 'http://registry.test:8080', host: 'registry.test:8080', 'sec-fetch-site': 'same-origin' },
    ];
    for (const headers of sameOrigin) {
      expect((await postLogin(registry.app, ADMIN.username, ADMIN.password, headers)).statusCode).toBe(200);
    }
  });

  it('gives a new session at every login and ends the one the browser had', async () => {
    const erin = await createUserDirect(registry.wharf, 'erin');
    const first = await login(registry.app, erin);
    const res = await postLogin(registry.app, erin.username, erin.password, { cookie: `sid=${first.sid}` });
    expect(res.statusCode).toBe(200);
    const second = setCookies(res).get('sid')!.value;
    expect(second).not.toBe(first.sid);
    expect((await sessionApi(registry.app, 'GET', '/users/current', first)).statusCode).toBe(401);
    expect(
      (await sessionApi(registry.app, 'GET', '/users/current', { sid: second, csrf: '' })).json<{ username: string }>()
        .username,
    ).toBe('erin');
  });
});

describe('session authentication on /api/v2.0', () => {
  const registry = useTestRegistry();

  it("authenticates the session's user and hands out the CSRF token on GET", async () => {
    const frank = await createUserDirect(registry.wharf, 'frank');
    const session = await login(registry.app, frank);
    const res = await sessionApi(registry.app, 'GET', '/users/current', session);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ username: string }>().username).toBe('frank');
    expect(res.headers['x-harbor-csrf-token']).toBe(session.csrf);
    expect(setCookies(res).get('__csrf')?.value).toBe(session.csrf);
  });

  it('treats an unknown or malformed session cookie as anonymous and clears it', async () => {
    for (const sid of ['A'.repeat(43), 'not a session', '']) {
      const res = await sessionApi(registry.app, 'GET', '/users/current', { sid, csrf: '' });
      expectHarborError(res, 401, 'UNAUTHORIZED');
    }
    const res = await sessionApi(registry.app, 'GET', '/ping', { sid: 'A'.repeat(43), csrf: '' });
    expect(res.statusCode).toBe(200);
    const cleared = setCookies(res);
    expect(cleared.get('sid')).toMatchObject({ value: '' });
    expect(cleared.get('sid')?.attributes.get('max-age')).toBe('0');
    expect(cleared.get('__csrf')?.attributes.get('max-age')).toBe('0');
  });

  it('reflects role changes at once: the context is rebuilt from the current user record', async () => {
    const grace = await createUserDirect(registry.wharf, 'grace');
    const session = await login(registry.app, grace);
    expect((await sessionApi(registry.app, 'GET', '/users', session)).statusCode).toBe(403);
    await registry.wharf.store.users.setSysadmin(await userId(registry, 'grace'), true);
    expect((await sessionApi(registry.app, 'GET', '/users', session)).statusCode).toBe(200);
  });

  describe('CSRF', () => {
    it('refuses state-changing requests without the token, with a wrong one or with another session’s', async () => {
      const session = await login(registry.app, ADMIN);
      const other = await login(registry.app, ADMIN);
      const body = { username: 'csrf-victim', password: 'Passw0rd1', email: 'csrf@example.com' };
      for (const csrf of [undefined, 'wrong', '', other.csrf, session.csrf.slice(1)]) {
        const res = await sessionApi(registry.app, 'POST', '/users', session, { csrf, body });
        expect(expectHarborError(res, 403, 'FORBIDDEN')).toBe('CSRF token invalid');
      }
      expect(await registry.wharf.store.users.getByName('csrf-victim')).toBeUndefined();
      const created = await sessionApi(registry.app, 'POST', '/users', session, { csrf: true, body });
      expect(created.statusCode, created.body).toBe(201);
    });

    it('guards PUT and DELETE too, and lets GET pass without a token', async () => {
      const session = await login(registry.app, ADMIN);
      await createUserDirect(registry.wharf, 'heidi');
      const heidi = await userId(registry, 'heidi');
      const put = await sessionApi(registry.app, 'PUT', `/users/${heidi}`, session, { body: { realname: 'H' } });
      expectHarborError(put, 403, 'FORBIDDEN');
      const del = await sessionApi(registry.app, 'DELETE', `/users/${heidi}`, session);
      expectHarborError(del, 403, 'FORBIDDEN');
      expect((await sessionApi(registry.app, 'GET', `/users/${heidi}`, session)).statusCode).toBe(200);
      const ok = await sessionApi(registry.app, 'PUT', `/users/${heidi}`, session, {
        csrf: true,
        body: { realname: 'H' },
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect((await sessionApi(registry.app, 'DELETE', `/users/${heidi}`, session, { csrf: true })).statusCode).toBe(
        200,
      );
    });

    it('exempts Basic credentials, which also win over a session cookie', async () => {
      const ivan = await createUserDirect(registry.wharf, 'ivan');
      const session = await login(registry.app, ivan);
      const body = { username: 'by-basic', password: 'Passw0rd1', email: 'basic@example.com' };
      const res = await registry.app.inject({
        method: 'POST',
        url: '/api/v2.0/users',
        headers: { authorization: basic(ADMIN), cookie: `sid=${session.sid}` },
        payload: body,
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.headers['x-harbor-csrf-token']).toBeUndefined();
      // Wrong Basic credentials are not rescued by a valid session.
      const wrong = await registry.app.inject({
        method: 'GET',
        url: '/api/v2.0/users/current',
        headers: { authorization: basic({ ...ivan, password: 'Wrong1pass' }), cookie: `sid=${session.sid}` },
      });
      expectHarborError(wrong, 401, 'UNAUTHORIZED');
    });

    it('needs no token on requests without any session (anonymous stays anonymous)', async () => {
      const res = await api(registry.app, 'POST', '/users', undefined, { username: 'anon', password: 'Passw0rd1' });
      expectHarborError(res, 401, 'UNAUTHORIZED');
    });
  });

  describe('ending sessions', () => {
    it('GET /c/log_out ends the session server-side and clears both cookies', async () => {
      const judy = await createUserDirect(registry.wharf, 'judy');
      const session = await login(registry.app, judy);
      const res = await registry.app.inject({
        method: 'GET',
        url: '/c/log_out',
        headers: { cookie: `sid=${session.sid}` },
      });
      expect(res.statusCode).toBe(200);
      const cookies = setCookies(res);
      expect(cookies.get('sid')?.value).toBe('');
      expect(cookies.get('sid')?.attributes.get('max-age')).toBe('0');
      expect(cookies.get('__csrf')?.attributes.get('max-age')).toBe('0');
      expect(await registry.wharf.store.sessions.get(sessionIdHash(session.sid))).toBeUndefined();
      expectHarborError(await sessionApi(registry.app, 'GET', '/users/current', session), 401, 'UNAUTHORIZED');
    });

    it('GET /c/log_out ignores cross-site requests: the session goes on', async () => {
      const lena = await createUserDirect(registry.wharf, 'lena');
      const session = await login(registry.app, lena);
      for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { origin: 'https://evil.example' }]) {
        const res = await registry.app.inject({
          method: 'GET',
          url: '/c/log_out',
          headers: { cookie: `sid=${session.sid}`, ...headers },
        });
        expect(expectHarborError(res, 403, 'FORBIDDEN')).toBe('cross-site request refused');
        expect(setCookies(res).has('sid')).toBe(false);
      }
      expect(await registry.wharf.store.sessions.get(sessionIdHash(session.sid))).toBeDefined();
      expect((await sessionApi(registry.app, 'GET', '/users/current', session)).statusCode).toBe(200);
      const sameSite = await registry.app.inject({
        method: 'GET',
        url: '/c/log_out',
        headers: { cookie: `sid=${session.sid}`, 'sec-fetch-site': 'same-origin', origin: 'http://localhost:80' },
      });
      expect(sameSite.statusCode).toBe(200);
      expect(await registry.wharf.store.sessions.get(sessionIdHash(session.sid))).toBeUndefined();
    });

    it('POST /c/logout does the same; logging out without a session is fine', async () => {
      const ken = await createUserDirect(registry.wharf, 'ken');
      const session = await login(registry.app, ken);
      const res = await registry.app.inject({
        method: 'POST',
        url: '/c/logout',
        headers: { cookie: `sid=${session.sid}` },
      });
      expect(res.statusCode).toBe(200);
      expectHarborError(await sessionApi(registry.app, 'GET', '/users/current', session), 401, 'UNAUTHORIZED');
      expect((await registry.app.inject({ method: 'GET', url: '/c/log_out' })).statusCode).toBe(200);
      expect((await registry.app.inject({ method: 'POST', url: '/c/logout' })).statusCode).toBe(200);
      const cross = await registry.app.inject({
        method: 'POST',
        url: '/c/logout',
        headers: { cookie: `sid=${session.sid}`, origin: 'https://evil.example' },
      });
      expectHarborError(cross, 403, 'FORBIDDEN');
    });

    it('ends a session idle past its expiry, and removes it', async () => {
      const leo = await createUserDirect(registry.wharf, 'leo');
      const session = await login(registry.app, leo);
      const hash = sessionIdHash(session.sid);
      await registry.wharf.store.sessions.touch(hash, new Date(Date.now() - 3_600_000), new Date(Date.now() - 1));
      expectHarborError(await sessionApi(registry.app, 'GET', '/users/current', session), 401, 'UNAUTHORIZED');
      expect(await registry.wharf.store.sessions.get(hash)).toBeUndefined();
    });

    it('slides the expiry forward on use and sends the cookie again', async () => {
      const mia = await createUserDirect(registry.wharf, 'mia');
      const session = await login(registry.app, mia);
      const hash = sessionIdHash(session.sid);
      // Used again right away: no write, no new cookie.
      const soon = await sessionApi(registry.app, 'GET', '/users/current', session);
      expect(setCookies(soon).has('sid')).toBe(false);
      // Last used two minutes ago, five minutes left: this use moves the expiry to 30 minutes from now.
      await registry.wharf.store.sessions.touch(hash, new Date(Date.now() - 120_000), new Date(Date.now() + 300_000));
      const res = await sessionApi(registry.app, 'GET', '/users/current', session);
      expect(res.statusCode).toBe(200);
      const maxAge = Number(setCookies(res).get('sid')?.attributes.get('max-age'));
      expect(maxAge).toBeGreaterThan(1790);
      expect(maxAge).toBeLessThanOrEqual(1800);
      const stored = await registry.wharf.store.sessions.get(hash);
      expect(stored!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 1790_000);
    });

    it('ends every session of a user whose password an administrator resets', async () => {
      const nina = await createUserDirect(registry.wharf, 'nina');
      const [one, two] = [await login(registry.app, nina), await login(registry.app, nina)];
      const id = await userId(registry, 'nina');
      const reset = await api(registry.app, 'PUT', `/users/${id}/password`, ADMIN, { new_password: 'Changed1pass' });
      expect(reset.statusCode, reset.body).toBe(200);
      for (const session of [one, two]) {
        expectHarborError(await sessionApi(registry.app, 'GET', '/users/current', session), 401, 'UNAUTHORIZED');
      }
      // A session opened with the new password works.
      const fresh = await login(registry.app, { username: 'nina', password: 'Changed1pass' });
      expect((await sessionApi(registry.app, 'GET', '/users/current', fresh)).statusCode).toBe(200);
    });

    it('ends the sessions of a user who changes their own password through a session', async () => {
      const omar = await createUserDirect(registry.wharf, 'omar');
      const session = await login(registry.app, omar);
      const id = await userId(registry, 'omar');
      const body = { old_password: PASSWORD, new_password: 'Changed1pass' };
      const res = await sessionApi(registry.app, 'PUT', `/users/${id}/password`, session, { csrf: true, body });
      expect(res.statusCode, res.body).toBe(200);
      expectHarborError(await sessionApi(registry.app, 'GET', '/users/current', session), 401, 'UNAUTHORIZED');
    });

    it('ends the sessions of a deleted user', async () => {
      const pat = await createUserDirect(registry.wharf, 'pat');
      const session = await login(registry.app, pat);
      const id = await userId(registry, 'pat');
      expect((await api(registry.app, 'DELETE', `/users/${id}`, ADMIN)).statusCode).toBe(200);
      expectHarborError(await sessionApi(registry.app, 'GET', '/users/current', session), 401, 'UNAUTHORIZED');
      // A new user with the same name does not inherit the session.
      await createUserDirect(registry.wharf, 'pat');
      expectHarborError(await sessionApi(registry.app, 'GET', '/users/current', session), 401, 'UNAUTHORIZED');
    });

    it('purges expired sessions (the periodic job) and keeps live ones', async () => {
      const quinn = await createUserDirect(registry.wharf, 'quinn');
      const live = await login(registry.app, quinn);
      const stale = await login(registry.app, quinn);
      await registry.wharf.store.sessions.touch(sessionIdHash(stale.sid), new Date(0), new Date(1000));
      const sessions = new SessionService(registry.wharf.store, new Authenticator(registry.wharf.store), {
        idleSeconds: 1800,
      });
      expect(await sessions.purgeExpired()).toBeGreaterThanOrEqual(1);
      expect(await registry.wharf.store.sessions.get(sessionIdHash(stale.sid))).toBeUndefined();
      expect(await registry.wharf.store.sessions.get(sessionIdHash(live.sid))).toBeDefined();
    });
  });
});

describe('the absolute session lifetime (sessions.absoluteTimeout)', () => {
  const clock = new ManualClock();
  const registry = useTestRegistry(
    { WHARF_SESSIONS_IDLETIMEOUT: '30m', WHARF_SESSIONS_ABSOLUTETIMEOUT: '1h' },
    { clock },
  );

  it('ends a session an hour after login however busy it is; the cookie never outlives it', async () => {
    const sam = await createUserDirect(registry.wharf, 'sam');
    const session = await login(registry.app, sam);
    const current = () => sessionApi(registry.app, 'GET', '/users/current', session);
    for (let minute = 20; minute < 60; minute += 20) {
      clock.advance(20 * 60_000);
      const res = await current();
      expect(res.statusCode, `after ${minute} minutes`).toBe(200);
      // The slid expiry stops at the absolute end: 30 minutes left at 20, 20 minutes left at 40.
      expect(Number(setCookies(res).get('sid')?.attributes.get('max-age'))).toBe(Math.min(1800, 3600 - minute * 60));
    }
    clock.advance(19 * 60_000);
    expect((await current()).statusCode).toBe(200);
    clock.advance(60_000);
    expectHarborError(await current(), 401, 'UNAUTHORIZED');
    expect(await registry.wharf.store.sessions.get(sessionIdHash(session.sid))).toBeUndefined();
  });

  it('defaults to 12 hours', () => {
    expect(loadConfigDefaults().sessions.absoluteTimeout).toBe(12 * 3600);
  });
});

describe('authentication event retention (sessions.authEventRetention)', () => {
  const clock = new ManualClock();
  const registry = useTestRegistry({}, { clock });

  it('the auth purge removes events older than 30 days and keeps younger ones', async () => {
    const identity = registry.wharf.store;
    const log = pino({ level: 'silent' });
    const events = new AuthEventRecorder(identity.authEvents, log, {
      retentionSeconds: loadConfigDefaults().sessions.authEventRetention,
      now: () => clock.now(),
    });
    const authenticator = new Authenticator(identity);
    const sessions = new SessionService(identity, authenticator, { idleSeconds: 1800, now: () => clock.now() });
    const guard = new LoginGuard(identity, authenticator, events, undefined, clock);
    // The engine's AUTH_PURGE job type, run through the instance's job engine.
    const purge = authPurgeJob(sessions, guard, events);
    expect(registry.wharf.jobs.jobTypes).toContain(purge.name);
    const job = {
      async runOnce() {
        const execution = await registry.wharf.jobs.enqueue({ vendorType: purge.name });
        // Scheduled runs of the type (due as the clock moved) may go first: one at a time (concurrency 1).
        for (let round = 0; round < 5; round++) {
          await registry.wharf.jobs.tick();
          await registry.wharf.jobs.idle();
          if ((await registry.wharf.jobs.executions.get(execution.id))?.status !== 'Pending') break;
        }
        expect((await registry.wharf.jobs.executions.get(execution.id))?.status).toBe('Success');
      },
    };
    const count = async (principal: string) =>
      (await identity.authEvents.list({ principal, page: 1, pageSize: 10 })).total;

    events.record({ principal: 'old-timer', clientAddress: null, channel: 'session', outcome: 'failure' });
    await events.flush();
    clock.advance(29 * 86_400_000);
    events.record({ principal: 'newcomer', clientAddress: null, channel: 'session', outcome: 'failure' });
    await events.flush();
    await job.runOnce();
    expect(await count('old-timer')).toBe(1);
    clock.advance(2 * 86_400_000);
    await job.runOnce();
    expect(await count('old-timer')).toBe(0);
    expect(await count('newcomer')).toBe(1);
  });
});

describe('session cookie configuration', () => {
  describe('with sessions.idleTimeout and an https base URL', () => {
    const registry = useTestRegistry({ WHARF_SESSIONS_IDLETIMEOUT: '10m', WHARF_HTTP_BASEURL: 'https://wharf.test' });

    it('sets Max-Age from the idle timeout, and Secure because browsers reach Wharf over HTTPS', async () => {
      const res = await postLogin(registry.app, ADMIN.username, ADMIN.password, { origin: 'https://wharf.test' });
      expect(res.statusCode, res.body).toBe(200);
      const cookies = setCookies(res);
      expect(cookies.get('sid')?.attributes.get('max-age')).toBe('600');
      expect(cookies.get('sid')?.attributes.has('secure')).toBe(true);
      expect(cookies.get('__csrf')?.attributes.has('secure')).toBe(true);
    });
  });

  describe('behind a trusted proxy', () => {
    const registry = useTestRegistry({ WHARF_HTTP_TRUSTEDPROXIES: '127.0.0.1' });

    it('believes X-Forwarded-Proto and X-Forwarded-For from it', async () => {
      const res = await postLogin(registry.app, ADMIN.username, ADMIN.password, {
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '203.0.113.9',
      });
      expect(res.statusCode).toBe(200);
      const sid = setCookies(res).get('sid');
      expect(sid?.attributes.has('secure')).toBe(true);
      const stored = await registry.wharf.store.sessions.get(sessionIdHash(sid!.value));
      expect(stored?.clientIp).toBe('203.0.113.9');
    });
  });

  describe('without a trusted proxy', () => {
    const registry = useTestRegistry();

    it('ignores X-Forwarded-Proto and X-Forwarded-For', async () => {
      const res = await postLogin(registry.app, ADMIN.username, ADMIN.password, {
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '203.0.113.9',
      });
      const sid = setCookies(res).get('sid');
      expect(sid?.attributes.has('secure')).toBe(false);
      expect((await registry.wharf.store.sessions.get(sessionIdHash(sid!.value)))?.clientIp).toBe('127.0.0.1');
    });
  });

  it('marks the cookies Secure when Wharf serves HTTPS itself', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wharf-session-tls-'));
    const port = await freePort();
    await run('openssl', [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'],
      ...['-keyout', path.join(dir, 'tls.key'), '-out', path.join(dir, 'tls.crt')],
    ]);
    const registry = await startTestRegistry({
      WHARF_HTTP_ADDR: `127.0.0.1:${port}`,
      WHARF_HTTP_TLS_CERTIFICATE: path.join(dir, 'tls.crt'),
      WHARF_HTTP_TLS_KEY: path.join(dir, 'tls.key'),
    });
    try {
      await registry.wharf.listen();
      const setCookie = await httpsLogin(port);
      const sid = setCookie.find((c) => c.startsWith('sid='));
      expect(sid).toMatch(/; Secure(;|$)/);
      expect(sid).toMatch(/; HttpOnly(;|$)/);
      expect(setCookie.find((c) => c.startsWith('__csrf='))).toMatch(/; Secure(;|$)/);
    } finally {
      await registry.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** POST /c/login as the administrator over HTTPS (self-signed certificate); the Set-Cookie headers of the 200. */
function httpsLogin(port: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/c/login',
        rejectUnauthorized: false,
        agent: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(res.headers['set-cookie'] ?? [])
            : reject(new Error(`login answered ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(new URLSearchParams({ principal: ADMIN.username, password: ADMIN.password }).toString());
  });
}
