import type { FastifyInstance } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { PasswordVerifier, verifyPassword } from '../../src/lib/password-hash.js';
import { ManualClock } from '../../src/ports/clock.js';
import { AuthEventRecorder } from '../../src/services/auth-events.js';
import { Authenticator, type SecurityContext } from '../../src/services/authenticator.js';
import { LoginGuard, type LoginThrottlePolicy } from '../../src/services/login-guard.js';
import { basic, expectHarborError, type Credentials } from '../helpers/api-client.js';
import { createUserDirect, PASSWORD } from '../helpers/principals.js';
import { setCookies } from '../helpers/session-client.js';
import { useTestRegistry } from '../helpers/test-registry.js';

/** Thresholds small enough to reach quickly: an account locks after 3 failures, an address after 6. */
const THROTTLE_ENV = {
  WHARF_LOGIN_ACCOUNTLOCKAFTER: '3',
  WHARF_LOGIN_ADDRESSLOCKAFTER: '6',
  WHARF_LOGIN_LOCKDURATION: '1s',
  WHARF_LOGIN_MAXLOCKDURATION: '4s',
};

function portalLogin(app: FastifyInstance, as: Credentials, remoteAddress: string) {
  return app.inject({
    method: 'POST',
    url: '/c/login',
    remoteAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ principal: as.username, password: as.password }).toString(),
  });
}

function basicGet(app: FastifyInstance, as: Credentials, remoteAddress: string) {
  return app.inject({
    method: 'GET',
    url: '/api/v2.0/users/current',
    remoteAddress,
    headers: { authorization: basic(as) },
  });
}

const wrong = (as: Credentials): Credentials => ({ ...as, password: 'Wrong1pass' });

describe('login throttling over HTTP', () => {
  const clock = new ManualClock();
  const registry = useTestRegistry(THROTTLE_ENV, { clock });

  it('locks an account after consecutive failures, longer with every further failure; success resets it', async () => {
    const victim = await createUserDirect(registry.wharf, 'victim');
    const from = '192.0.2.1';
    for (let i = 0; i < 3; i++) {
      expectHarborError(await portalLogin(registry.app, wrong(victim), from), 401, 'UNAUTHORIZED');
    }
    // Locked for 1 s: even the right password is refused, without a cookie.
    const locked = await portalLogin(registry.app, victim, from);
    expect(expectHarborError(locked, 429, 'TOO_MANY_REQUESTS')).toBe('too many failed logins; try again later');
    expect(locked.headers['retry-after']).toBe('1');
    expect(locked.headers['set-cookie']).toBeUndefined();

    clock.advance(1100);
    expectHarborError(await portalLogin(registry.app, wrong(victim), from), 401, 'UNAUTHORIZED');
    const longer = await portalLogin(registry.app, victim, from);
    expectHarborError(longer, 429, 'TOO_MANY_REQUESTS');
    expect(longer.headers['retry-after']).toBe('2');
    const counter = await registry.wharf.store.loginFailures.get('user:victim');
    expect(counter?.failures).toBe(4);
    expect(counter!.lockedUntil!.getTime() - counter!.lastFailureAt.getTime()).toBe(2000);

    clock.advance(2100);
    const ok = await portalLogin(registry.app, victim, from);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(setCookies(ok).get('sid')?.value).toBeTruthy();
    expect(await registry.wharf.store.loginFailures.get('user:victim')).toBeUndefined();
    // Counting starts again from one: a single failure locks nothing.
    expectHarborError(await portalLogin(registry.app, wrong(victim), from), 401, 'UNAUTHORIZED');
    expect((await portalLogin(registry.app, victim, from)).statusCode).toBe(200);
  });

  it('locks the account on every channel and from every address: Basic on /api gets 401 with Retry-After', async () => {
    const target = await createUserDirect(registry.wharf, 'target');
    // A verified password is cached for a minute; the lock still applies to it.
    expect((await basicGet(registry.app, target, '192.0.2.2')).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) {
      expectHarborError(await basicGet(registry.app, wrong(target), '192.0.2.2'), 401, 'UNAUTHORIZED');
    }
    for (const from of ['192.0.2.2', '192.0.2.3']) {
      const api = await basicGet(registry.app, target, from);
      expect(expectHarborError(api, 401, 'UNAUTHORIZED')).toBe('too many failed logins; try again later');
      expect(api.headers['retry-after']).toBe('1');
      expectHarborError(await portalLogin(registry.app, target, from), 429, 'TOO_MANY_REQUESTS');
    }
    clock.advance(1100);
    expect((await basicGet(registry.app, target, '192.0.2.3')).statusCode).toBe(200);
  });

  it('locks a client address that fails on many accounts, but not the accounts elsewhere', async () => {
    const users = await Promise.all(
      ['spray1', 'spray2', 'spray3'].map((name) => createUserDirect(registry.wharf, name)),
    );
    const attacker = '198.51.100.7';
    // Two failures per account: no account reaches its threshold, the address reaches its six.
    for (const user of users) {
      for (let i = 0; i < 2; i++) {
        expectHarborError(await portalLogin(registry.app, wrong(user), attacker), 401, 'UNAUTHORIZED');
      }
    }
    const fromAttacker = await portalLogin(registry.app, users[0]!, attacker);
    expectHarborError(fromAttacker, 429, 'TOO_MANY_REQUESTS');
    expectHarborError(await basicGet(registry.app, users[1]!, attacker), 401, 'UNAUTHORIZED');
    // The same accounts log in from elsewhere; those successes reset neither the address's counter nor its lock.
    const lock = await registry.wharf.store.loginFailures.get(`ip:${attacker}`);
    expect(lock).toMatchObject({ failures: 6 });
    expect((await portalLogin(registry.app, users[0]!, '198.51.100.8')).statusCode).toBe(200);
    expect((await basicGet(registry.app, users[1]!, '198.51.100.8')).statusCode).toBe(200);
    expect(await registry.wharf.store.loginFailures.get(`ip:${attacker}`)).toEqual(lock);
  });

  it('counts failures for unknown accounts too, so probing names gets throttled alike', async () => {
    const ghost = { username: 'no-such-user', password: PASSWORD };
    for (let i = 0; i < 3; i++) {
      expectHarborError(await portalLogin(registry.app, ghost, '203.0.113.50'), 401, 'UNAUTHORIZED');
    }
    expectHarborError(await portalLogin(registry.app, ghost, '203.0.113.51'), 429, 'TOO_MANY_REQUESTS');
  });
});

describe('failures from one address do not lock the owner out elsewhere', () => {
  const clock = new ManualClock();
  const registry = useTestRegistry(
    {
      WHARF_LOGIN_PAIRLOCKAFTER: '3',
      WHARF_LOGIN_ACCOUNTLOCKAFTER: '6',
      WHARF_LOGIN_LOCKDURATION: '1s',
      WHARF_LOGIN_MAXLOCKDURATION: '5m',
      WHARF_LOGIN_ACCOUNTMAXLOCKDURATION: '2s',
    },
    { clock },
  );

  it('locks the account for the failing address only, doubling there; the owner logs in from another', async () => {
    const owner = await createUserDirect(registry.wharf, 'owner', true);
    const attacker = '203.0.113.7';
    const home = '192.0.2.80';
    for (let i = 0; i < 3; i++) {
      expectHarborError(await basicGet(registry.app, wrong(owner), attacker), 401, 'UNAUTHORIZED');
    }
    const refused = await basicGet(registry.app, owner, attacker);
    expect(expectHarborError(refused, 401, 'UNAUTHORIZED')).toBe('too many failed logins; try again later');
    expect(refused.headers['retry-after']).toBe('1');
    expectHarborError(await portalLogin(registry.app, owner, attacker), 429, 'TOO_MANY_REQUESTS');
    // The owner at home: not locked, on the portal and with Basic.
    expect((await portalLogin(registry.app, owner, home)).statusCode).toBe(200);
    expect((await basicGet(registry.app, owner, home)).statusCode).toBe(200);
    // The attacker's further failures double only the attacker's lock.
    clock.advance(1000);
    expectHarborError(await basicGet(registry.app, wrong(owner), attacker), 401, 'UNAUTHORIZED');
    expect((await basicGet(registry.app, owner, attacker)).headers['retry-after']).toBe('2');
    clock.advance(2000);
    expectHarborError(await basicGet(registry.app, wrong(owner), attacker), 401, 'UNAUTHORIZED');
    expect((await basicGet(registry.app, owner, attacker)).headers['retry-after']).toBe('4');
    expect(await registry.wharf.store.loginFailures.get(`user:owner@ip:${attacker}`)).toMatchObject({ failures: 5 });
    expect((await registry.wharf.store.loginFailures.get('user:owner'))?.failures ?? 0).toBeLessThan(6);
    expect((await portalLogin(registry.app, owner, home)).statusCode).toBe(200);
  });

  it('locks the account everywhere only after failures from many addresses, and for a capped time', async () => {
    const robotish = await createUserDirect(registry.wharf, 'ci-bot');
    for (let i = 0; i < 6; i++) {
      expectHarborError(await basicGet(registry.app, wrong(robotish), `198.51.100.${20 + i}`), 401, 'UNAUTHORIZED');
    }
    const everywhere = await basicGet(registry.app, robotish, '192.0.2.81');
    expect(expectHarborError(everywhere, 401, 'UNAUTHORIZED')).toBe('too many failed logins; try again later');
    expect(everywhere.headers['retry-after']).toBe('1');
    // Each further failure doubles the account-wide lock, but never past login.accountMaxLockDuration (2 s).
    for (const expected of ['2', '2', '2']) {
      clock.advance(2000);
      expectHarborError(await basicGet(registry.app, wrong(robotish), '198.51.100.40'), 401, 'UNAUTHORIZED');
      expect((await basicGet(registry.app, robotish, '192.0.2.81')).headers['retry-after']).toBe(expected);
    }
    clock.advance(2000);
    expect((await basicGet(registry.app, robotish, '192.0.2.81')).statusCode).toBe(200);
    expect(await registry.wharf.store.loginFailures.get('user:ci-bot')).toBeUndefined();
  });
});

/** An Authenticator that counts password checks (throttled attempts must not reach it). */
class CountingAuthenticator extends Authenticator {
  checks = 0;
  override async withPassword(username: string, password: string): Promise<SecurityContext | undefined> {
    this.checks++;
    return super.withPassword(username, password);
  }
}

describe('LoginGuard', () => {
  const registry = useTestRegistry();
  const policy: LoginThrottlePolicy = {
    pairLockAfter: 100,
    accountLockAfter: 3,
    addressLockAfter: 100,
    lockSeconds: 1,
    maxLockSeconds: 8,
    accountMaxLockSeconds: 8,
    failureWindowSeconds: 60,
  };

  function guardAt(clock: { now: number }) {
    const authenticator = new CountingAuthenticator(registry.wharf.store);
    const events = new AuthEventRecorder(registry.wharf.store.authEvents, registry.wharf.log);
    const guard = new LoginGuard(registry.wharf.store, authenticator, events, policy, { now: () => clock.now });
    return { guard, authenticator, events };
  }

  it('doubles the lock with every failure past the threshold up to the cap, refusing without checking', async () => {
    const user = await createUserDirect(registry.wharf, 'growth');
    const clock = { now: Date.now() };
    const { guard, authenticator, events } = guardAt(clock);
    const attempt = { clientAddress: '192.0.2.10', channel: 'api' } as const;
    for (let i = 0; i < 3; i++) {
      expect(await guard.login(user.username, 'Wrong1pass', attempt)).toEqual({ ok: false, reason: 'invalid' });
    }
    const locks: number[] = [];
    for (const expected of [1, 2, 4, 8, 8]) {
      const checks = authenticator.checks;
      const refused = await guard.login(user.username, user.password, attempt);
      expect(refused).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: expected });
      expect(authenticator.checks).toBe(checks);
      clock.now += expected * 1000 - 1;
      expect((await guard.login(user.username, user.password, attempt)).ok).toBe(false);
      clock.now += 1;
      expect(await guard.login(user.username, 'Wrong1pass', attempt)).toEqual({ ok: false, reason: 'invalid' });
      locks.push(expected);
    }
    expect(locks).toEqual([1, 2, 4, 8, 8]);
    clock.now += 8000;
    const ok = await guard.login(user.username, user.password, attempt);
    expect(ok.ok && ok.ctx.kind === 'user' && ok.ctx.user.username).toBe('growth');
    await events.flush();
  });

  it('forgets failures older than the window', async () => {
    const user = await createUserDirect(registry.wharf, 'window');
    const clock = { now: Date.now() };
    const { guard } = guardAt(clock);
    const attempt = { clientAddress: '192.0.2.11', channel: 'session' } as const;
    for (let i = 0; i < 2; i++) await guard.login(user.username, 'Wrong1pass', attempt);
    clock.now += 61_000;
    await guard.login(user.username, 'Wrong1pass', attempt);
    expect((await guard.login(user.username, user.password, attempt)).ok).toBe(true);
    expect(await guard.purgeStale()).toBeGreaterThanOrEqual(0);
  });

  it('shares counters between nodes on one database', async () => {
    const user = await createUserDirect(registry.wharf, 'shared');
    const clock = { now: Date.now() };
    const [nodeA, nodeB] = [guardAt(clock), guardAt(clock)];
    const attempt = { clientAddress: '192.0.2.12', channel: 'registry' } as const;
    await nodeA.guard.login(user.username, 'Wrong1pass', attempt);
    await nodeB.guard.login(user.username, 'Wrong1pass', attempt);
    await nodeA.guard.login(user.username, 'Wrong1pass', attempt);
    expect(await nodeB.guard.login(user.username, user.password, attempt)).toMatchObject({ reason: 'throttled' });
    expect(nodeB.authenticator.checks).toBe(1);
  });

  it('sheds logins while password checks are saturated, recording one event a second for them', async () => {
    const user = await createUserDirect(registry.wharf, 'saturated');
    const clock = new ManualClock();
    const gates: (() => void)[] = [];
    const verifier = new PasswordVerifier({ maxConcurrent: 1, maxQueued: 0 }, async (password, encoded) => {
      await new Promise<void>((resolve) => gates.push(resolve));
      return verifyPassword(password, encoded);
    });
    const authenticator = new Authenticator(registry.wharf.store, { verifier, clock });
    const events = new AuthEventRecorder(registry.wharf.store.authEvents, registry.wharf.log);
    const guard = new LoginGuard(registry.wharf.store, authenticator, events, policy, clock);
    const held = guard.login(user.username, user.password, { clientAddress: '192.0.2.13', channel: 'api' });
    await vi.waitFor(() => expect(gates).toHaveLength(1));
    const shed = { ok: false, reason: 'busy', retryAfterSeconds: 1 };
    for (let i = 0; i < 3; i++) {
      expect(await guard.login('flooder', 'x', { clientAddress: `198.51.100.${i}`, channel: 'registry' })).toEqual(
        shed,
      );
    }
    clock.advance(1000);
    expect(await guard.login('flooder', 'x', { clientAddress: '198.51.100.9', channel: 'registry' })).toEqual(shed);
    gates.shift()!();
    expect((await held).ok).toBe(true);
    await events.flush();
    const recorded = await registry.wharf.store.authEvents.list({ page: 1, pageSize: 10, principal: 'flooder' });
    expect(recorded.items.map((e) => e.reason)).toEqual([
      'throttled: too many password checks in progress; 2 more refused since the last one',
      'throttled: too many password checks in progress',
    ]);
    expect(await registry.wharf.store.loginFailures.get('user:flooder')).toBeUndefined();
  });

  it('refuses robot accounts on the session channel as invalid and counts the failure', async () => {
    const clock = { now: Date.now() };
    const { guard } = guardAt(clock);
    const robotName = 'robot$nobody';
    expect(await guard.login(robotName, 'x', { channel: 'session' })).toEqual({ ok: false, reason: 'invalid' });
    expect((await registry.wharf.store.loginFailures.get(`user:${robotName}`))?.failures).toBe(1);
  });
});
