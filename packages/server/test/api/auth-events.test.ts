import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { AuthEventRecord, AuthEventRecords, NewAuthEvent } from '../../src/ports/identity-store.js';
import { AuthEventRecorder } from '../../src/services/auth-events.js';
import { basic, type Credentials } from '../helpers/api-client.js';
import { createProjectWithMembers, createRobotDirect, createUserDirect } from '../helpers/principals.js';
import { postLogin, setCookies } from '../helpers/session-client.js';
import { useTestRegistry, type TestRegistry } from '../helpers/test-registry.js';

function basicGet(app: FastifyInstance, as: Credentials, remoteAddress = '127.0.0.1') {
  return app.inject({
    method: 'GET',
    url: '/api/v2.0/users/current',
    remoteAddress,
    headers: { authorization: basic(as) },
  });
}

/** The events of `principal`, oldest first, once there are `count` of them (writes finish after the response). */
async function eventsOf(registry: TestRegistry, principal: string, count: number): Promise<AuthEventRecord[]> {
  return vi.waitFor(
    async () => {
      const { items } = await registry.wharf.store.authEvents.list({ principal, page: 1, pageSize: 100 });
      expect(items).toHaveLength(count);
      return items.reverse();
    },
    { timeout: 5000, interval: 20 },
  );
}

const summary = (e: AuthEventRecord) => [e.channel, e.method, e.outcome, e.reason];

describe('auth events', () => {
  const registry = useTestRegistry({ WHARF_LOGIN_ACCOUNTLOCKAFTER: '2' });

  it('records portal logins, failures, throttled attempts and logouts with address and channel', async () => {
    const user = await createUserDirect(registry.wharf, 'rita');
    const before = Date.now();
    expect((await postLogin(registry.app, 'rita', 'Wrong1pass')).statusCode).toBe(401);
    const ok = await postLogin(registry.app, user.username, user.password);
    expect(ok.statusCode).toBe(200);
    const sid = setCookies(ok).get('sid')!.value;
    await registry.app.inject({ method: 'GET', url: '/c/log_out', headers: { cookie: `sid=${sid}` } });
    for (let i = 0; i < 2; i++) await postLogin(registry.app, 'rita', 'Wrong1pass');
    expect((await postLogin(registry.app, user.username, user.password)).statusCode).toBe(429);

    const events = await eventsOf(registry, 'rita', 6);
    expect(events.map(summary)).toEqual([
      ['session', 'session', 'failure', 'invalid credentials'],
      ['session', 'session', 'success', null],
      ['session', 'session', 'success', 'logout'],
      ['session', 'session', 'failure', 'invalid credentials'],
      ['session', 'session', 'failure', 'invalid credentials'],
      ['session', 'session', 'failure', 'throttled'],
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ principal: 'rita', principalKind: 'user', clientIp: '127.0.0.1' });
      expect(event.at.getTime()).toBeGreaterThanOrEqual(before);
      expect(event.at.getTime()).toBeLessThanOrEqual(Date.now());
    }
  });

  it('records a Basic success once a minute per account and address, and every failure', async () => {
    const user = await createUserDirect(registry.wharf, 'sam');
    for (let i = 0; i < 3; i++) expect((await basicGet(registry.app, user)).statusCode).toBe(200);
    expect((await basicGet(registry.app, user, '192.0.2.40')).statusCode).toBe(200);
    expect((await basicGet(registry.app, { ...user, password: 'Wrong1pass' })).statusCode).toBe(401);
    const events = await eventsOf(registry, 'sam', 3);
    expect(events.map((e) => [...summary(e), e.clientIp])).toEqual([
      ['api', 'basic', 'success', null, '127.0.0.1'],
      ['api', 'basic', 'success', null, '192.0.2.40'],
      ['api', 'basic', 'failure', 'invalid credentials', '127.0.0.1'],
    ]);
  });

  it('records robots as robots, and malformed Authorization headers as anonymous failures', async () => {
    const { project } = await createProjectWithMembers(registry.wharf, 'evproj', { public: false });
    const robot = await createRobotDirect(registry.wharf, 'ev', [{ resource: 'repository', action: 'pull' }], project);
    expect(
      (await registry.app.inject({ method: 'GET', url: '/api/v2.0/ping', headers: { authorization: basic(robot) } }))
        .statusCode,
    ).toBe(200);
    const [event] = await eventsOf(registry, robot.username, 1);
    expect(event).toMatchObject({ principalKind: 'robot', outcome: 'success', channel: 'api' });

    const res = await registry.app.inject({
      method: 'GET',
      url: '/api/v2.0/ping',
      remoteAddress: '192.0.2.99',
      headers: { authorization: 'Bearer something' },
    });
    expect(res.statusCode).toBe(401);
    await vi.waitFor(async () => {
      const { items } = await registry.wharf.store.authEvents.list({ principal: '', page: 1, pageSize: 100 });
      expect(items.find((e) => e.clientIp === '192.0.2.99')).toMatchObject({
        principalKind: 'anonymous',
        outcome: 'failure',
        reason: 'malformed or unsupported Authorization header',
      });
    });
  });

  it('answers requests although recording fails, and does not wait for slow writes', async () => {
    const user = await createUserDirect(registry.wharf, 'tess');
    const events = registry.wharf.store.authEvents;
    const failing = vi.spyOn(events, 'record').mockRejectedValue(new Error('database is down'));
    const stuck: ((error: Error) => void)[] = [];
    try {
      expect((await postLogin(registry.app, user.username, user.password)).statusCode).toBe(200);
      expect((await postLogin(registry.app, user.username, 'Wrong1pass')).statusCode).toBe(401);
      expect(failing).toHaveBeenCalledTimes(2);
      // A write that does not finish holds up nothing.
      failing.mockImplementation(() => new Promise<never>((_resolve, reject) => stuck.push(reject)));
      expect((await postLogin(registry.app, user.username, user.password)).statusCode).toBe(200);
      expect((await basicGet(registry.app, user, '192.0.2.41')).statusCode).toBe(200);
      expect(failing).toHaveBeenCalledTimes(4);
    } finally {
      for (const reject of stuck) reject(new Error('released'));
      failing.mockRestore();
    }
  });
});

describe('AuthEventRecorder', () => {
  function fakeEvents(): AuthEventRecords & { recorded: NewAuthEvent[] } {
    const recorded: NewAuthEvent[] = [];
    return {
      recorded,
      record: (event) => {
        recorded.push(event);
        return Promise.resolve({ id: recorded.length, ...event, channel: event.channel ?? null });
      },
      list: () => Promise.resolve({ items: [], total: 0 }),
      purgeBefore: () => Promise.resolve(0),
    };
  }
  const silent = pino({ level: 'silent' });

  it('records repeated successes on Basic channels once per interval per principal, address and channel', async () => {
    const events = fakeEvents();
    const clock = { now: 1_000_000 };
    const recorder = new AuthEventRecorder(events, silent, { now: () => clock.now });
    const success = { principal: 'u', clientAddress: '192.0.2.1', outcome: 'success' } as const;
    recorder.record({ ...success, channel: 'registry' });
    recorder.record({ ...success, channel: 'registry' });
    recorder.record({ ...success, channel: 'token' });
    recorder.record({ ...success, channel: 'registry', clientAddress: '192.0.2.2' });
    recorder.record({ ...success, channel: 'session' });
    recorder.record({ ...success, channel: 'session' });
    recorder.record({ ...success, channel: 'registry', outcome: 'failure', reason: 'invalid credentials' });
    recorder.record({ ...success, channel: 'registry', outcome: 'failure', reason: 'invalid credentials' });
    clock.now += 59_999;
    recorder.record({ ...success, channel: 'registry' });
    clock.now += 1;
    recorder.record({ ...success, channel: 'registry' });
    await recorder.flush();
    expect(
      events.recorded.map((e) => [e.channel, e.method, e.clientIp, e.outcome, e.at.getTime() - 1_000_000]),
    ).toEqual([
      ['registry', 'basic', '192.0.2.1', 'success', 0],
      ['token', 'token', '192.0.2.1', 'success', 0],
      ['registry', 'basic', '192.0.2.2', 'success', 0],
      ['session', 'session', '192.0.2.1', 'success', 0],
      ['session', 'session', '192.0.2.1', 'success', 0],
      ['registry', 'basic', '192.0.2.1', 'failure', 0],
      ['registry', 'basic', '192.0.2.1', 'failure', 0],
      ['registry', 'basic', '192.0.2.1', 'success', 60_000],
    ]);
  });

  it('logs a failed write and drops writes beyond the in-flight limit', async () => {
    const error = vi.fn();
    const warn = vi.fn();
    const log = { error, warn } as unknown as typeof silent;
    let release: () => void = () => {};
    const stuck = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const events: AuthEventRecords = {
      record: async () => {
        calls++;
        await stuck;
        throw new Error('write failed');
      },
      list: () => Promise.resolve({ items: [], total: 0 }),
      purgeBefore: () => Promise.resolve(0),
    };
    const recorder = new AuthEventRecorder(events, log, { maxPending: 2 });
    const failure = { principal: 'x', clientAddress: null, channel: 'api', outcome: 'failure' } as const;
    for (let i = 0; i < 3; i++) recorder.record(failure);
    expect(calls).toBe(2);
    expect(warn).toHaveBeenCalledTimes(1);
    release();
    await recorder.flush();
    expect(error).toHaveBeenCalledTimes(2);
    expect(error.mock.calls[0]?.[1]).toBe('could not record an auth event');
  });
});
