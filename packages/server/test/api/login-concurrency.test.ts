import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../../src/adapters/db/postgres-test-database.js';
import { loadConfig } from '../../src/config/index.js';
import { PasswordVerifier, verifyPassword } from '../../src/lib/password-hash.js';
import { createWharf, type Wharf } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.js';
import type { LoginChannel } from '../../src/services/login-guard.js';
import { basic, expectHarborError, type Credentials } from '../helpers/api-client.js';
import { createUserDirect } from '../helpers/principals.js';
import { ADMIN_PASSWORD, TEST_DATABASE, useTestRegistry } from '../helpers/test-registry.js';

/** One login on `channel` as `as` from `remoteAddress`, the way each client sends it. */
function loginOn(app: FastifyInstance, channel: LoginChannel, as: Credentials, remoteAddress: string) {
  switch (channel) {
    case 'session':
      return app.inject({
        method: 'POST',
        url: '/c/login',
        remoteAddress,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ principal: as.username, password: as.password }).toString(),
      });
    case 'api':
      return app.inject({ url: '/api/v2.0/users/current', remoteAddress, headers: { authorization: basic(as) } });
    case 'registry':
      return app.inject({ url: '/v2/', remoteAddress, headers: { authorization: basic(as) } });
    case 'token':
      return app.inject({
        url: '/service/token?service=wharf-registry',
        remoteAddress,
        headers: { authorization: basic(as) },
      });
  }
}

/** The status a locked account or address gets on each channel (the portal's is 429; Basic clients get 401). */
const THROTTLED_STATUS: Record<LoginChannel, number> = { session: 429, api: 401, registry: 401, token: 401 };
const CHANNELS: readonly LoginChannel[] = ['session', 'api', 'registry', 'token'];

/** A wrong password; parallel guesses differ (identical concurrent attempts are one attempt: they share its answer). */
const wrong = (as: Credentials, i = 1): Credentials => ({ ...as, password: `Wrong${i}pass` });

/** 100 wrong passwords and the right one, all at once; the right one goes last. */
async function guessInParallel(
  send: (as: Credentials, i: number) => Promise<LightMyRequestResponse>,
  as: Credentials,
): Promise<{ wrong: LightMyRequestResponse[]; right: LightMyRequestResponse }> {
  const answers = await Promise.all([
    ...Array.from({ length: 100 }, (_, i) => send(wrong(as, i + 1), i)),
    send(as, 100),
  ]);
  return { wrong: answers.slice(0, 100), right: answers[100]! };
}

describe('parallel guesses are counted before their passwords are checked', () => {
  const verifier = new PasswordVerifier({ maxConcurrent: 2, maxQueued: 1000 });
  const registry = useTestRegistry(
    { WHARF_LOGIN_PAIRLOCKAFTER: '3', WHARF_LOGIN_ACCOUNTLOCKAFTER: '5' },
    // A clock that stands still: a lock lasts however slowly the machine answers.
    { passwordVerifier: verifier, clock: new ManualClock() },
  );

  it.each(CHANNELS)('checks at most 3 of 100 wrong passwords and the right one sent at once on %s', async (channel) => {
    const victim = await createUserDirect(registry.wharf, `parallel-${channel}`);
    const from = '192.0.2.40';
    const before = verifier.verifications;
    const { wrong: refused, right } = await guessInParallel((as) => loginOn(registry.app, channel, as, from), victim);
    const checks = verifier.verifications - before;
    expect(checks).toBeGreaterThanOrEqual(1);
    expect(checks).toBeLessThanOrEqual(3);
    const throttled = refused.filter((res) => res.headers['retry-after'] !== undefined);
    expect(throttled.length).toBeGreaterThanOrEqual(97);
    for (const res of throttled) expect(res.statusCode).toBe(THROTTLED_STATUS[channel]);
    // The right password got through only if it was one of the three checked (it went last: hardly ever).
    if (right.statusCode !== 200) expect(right.statusCode).toBe(THROTTLED_STATUS[channel]);
    else for (let i = 0; i < 3; i++) await loginOn(registry.app, channel, wrong(victim), from);

    // Locked: the right password is refused without a check, with the seconds until the lock ends.
    const checked = verifier.verifications;
    const again = await loginOn(registry.app, channel, victim, from);
    expect(again.statusCode).toBe(THROTTLED_STATUS[channel]);
    expect(again.headers['retry-after']).toBe('1');
    expect(verifier.verifications).toBe(checked);
  });

  it('checks at most 5 of 100 wrong passwords from 100 addresses: the account-wide backstop', async () => {
    const victim = await createUserDirect(registry.wharf, 'distributed');
    const before = verifier.verifications;
    const { right } = await guessInParallel((as, i) => loginOn(registry.app, 'api', as, `198.51.100.${i + 1}`), victim);
    expect(verifier.verifications - before).toBeLessThanOrEqual(5);
    if (right.statusCode !== 200) {
      const locked = await loginOn(registry.app, 'api', victim, '203.0.113.99');
      expect(expectHarborError(locked, 401, 'UNAUTHORIZED')).toBe('too many failed logins; try again later');
      expect(locked.headers['retry-after']).toBe('1');
    }
    expect((await registry.wharf.store.loginFailures.get('user:distributed'))?.failures).toBeLessThanOrEqual(5);
  });
});

describe('saturated password checks', () => {
  /** Every check waits until the test opens its gate. */
  const gates: (() => void)[] = [];
  const verifier = new PasswordVerifier({ maxConcurrent: 1, maxQueued: 0 }, async (password, encoded) => {
    await new Promise<void>((resolve) => gates.push(resolve));
    return verifyPassword(password, encoded);
  });
  const registry = useTestRegistry({ WHARF_LOGIN_PAIRLOCKAFTER: '3' }, { passwordVerifier: verifier });

  it('refuses further logins at once with 429 and Retry-After on every channel, counting no failure', async () => {
    const holder = await createUserDirect(registry.wharf, 'holder');
    const shed = await createUserDirect(registry.wharf, 'shed');
    const held = loginOn(registry.app, 'api', holder, '192.0.2.60');
    await vi.waitFor(() => expect(gates).toHaveLength(1));

    const portal = await loginOn(registry.app, 'session', shed, '192.0.2.61');
    expectHarborError(portal, 429, 'TOO_MANY_REQUESTS');
    const api = await loginOn(registry.app, 'api', shed, '192.0.2.61');
    expectHarborError(api, 429, 'TOO_MANY_REQUESTS');
    const v2 = await loginOn(registry.app, 'registry', shed, '192.0.2.61');
    expect(v2.statusCode).toBe(429);
    expect(v2.json()).toMatchObject({ errors: [{ code: 'TOOMANYREQUESTS' }] });
    const token = await loginOn(registry.app, 'token', shed, '192.0.2.61');
    expect(token.statusCode).toBe(429);
    expect(token.headers['content-type']).toMatch(/^application\/json/);
    expect(token.json()).toMatchObject({ errors: [{ code: 'TOOMANYREQUESTS' }] });
    for (const res of [portal, api, v2, token]) expect(res.headers['retry-after']).toBe('1');
    // An unknown name is shed alike: it would have cost a check too.
    expectHarborError(
      await loginOn(registry.app, 'api', wrong({ ...shed, username: 'ghost' }), '192.0.2.61'),
      429,
      'TOO_MANY_REQUESTS',
    );
    expect(verifier.verifications).toBe(1);

    // None of them counted as a failure: more than the threshold were shed, and the account is not locked.
    for (const key of ['user:shed', 'user:shed@ip:192.0.2.61', 'ip:192.0.2.61']) {
      expect((await registry.wharf.store.loginFailures.get(key))?.failures ?? 0).toBe(0);
    }
    gates.shift()!();
    expect((await held).statusCode).toBe(200);
    const after = loginOn(registry.app, 'api', shed, '192.0.2.61');
    await vi.waitFor(() => expect(gates).toHaveLength(1));
    gates.shift()!();
    expect((await after).statusCode).toBe(200);
  });

  it('costs one password check for an unknown name, as for a known one with a wrong password', async () => {
    const known = await createUserDirect(registry.wharf, 'known');
    const attempts: Credentials[] = [
      wrong(known),
      { username: 'unknown-name', password: 'x' },
      { username: 'robot$none', password: 'x' },
    ];
    for (const as of attempts) {
      const before = verifier.verifications;
      const answer = loginOn(registry.app, 'api', as, '192.0.2.62');
      await vi.waitFor(() => expect(gates).toHaveLength(1));
      gates.shift()!();
      expectHarborError(await answer, 401, 'UNAUTHORIZED');
      expect(verifier.verifications - before).toBe(1);
    }
  });
});

/** Two Wharf instances on one database (one SQLite file, or one PostgreSQL database), each with its own verifier. */
describe('two instances on one database', () => {
  const verifiers = [0, 1].map(() => new PasswordVerifier({ maxConcurrent: 2, maxQueued: 1000 }));
  const clock = new ManualClock();
  const instances: Wharf[] = [];
  let cleanup: () => Promise<void> = async () => {};

  beforeAll(async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'wharf-test-'));
    const pg = TEST_DATABASE === 'postgres' ? await createTestDatabase() : undefined;
    const env = {
      WHARF_LOG_LEVEL: 'silent',
      WHARF_HTTP_ACCESSLOG: 'false',
      WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
      WHARF_DATABASE_PATH: path.join(dataDir, 'shared.db'),
      WHARF_LOGIN_PAIRLOCKAFTER: '3',
      WHARF_LOGIN_ADDRESSLOCKAFTER: '1000',
      // Nodes of one database share the secret key (it seals the token signing keys they share).
      WHARF_SECRETS_KEY: randomBytes(32).toString('base64'),
      ...(pg ? { WHARF_DATABASE_DRIVER: 'postgres', WHARF_DATABASE_URL: pg.url } : {}),
    };
    for (const [i, verifier] of verifiers.entries()) {
      const config = loadConfig({ env: { ...env, WHARF_DATA_DIR: path.join(dataDir, `node${i}`) } });
      instances.push(await createWharf(config, undefined, { passwordVerifier: verifier, clock }));
    }
    cleanup = async () => {
      await Promise.all(instances.map((wharf) => wharf.close()));
      await pg?.drop();
      await rm(dataDir, { recursive: true, force: true });
    };
  });
  afterAll(() => cleanup());

  it('shares the counter: of 100 wrong passwords split over both, at most 3 are checked', async () => {
    const victim = await createUserDirect(instances[0]!, 'two-nodes');
    const from = '192.0.2.70';
    const checks = () => verifiers[0]!.verifications + verifiers[1]!.verifications;
    const before = checks();
    const { right } = await guessInParallel(
      (as, i) => loginOn(instances[i % 2]!.app, i % 2 === 0 ? 'registry' : 'token', as, from),
      victim,
    );
    expect(checks() - before).toBeLessThanOrEqual(3);
    expect(verifiers[0]!.verifications + verifiers[1]!.verifications).toBeGreaterThan(0);
    if (right.statusCode !== 200) {
      for (const wharf of instances) {
        const locked = await loginOn(wharf.app, 'registry', victim, from);
        expect(locked.statusCode).toBe(401);
        expect(locked.headers['retry-after']).toBe('1');
      }
      expect(checks() - before).toBeLessThanOrEqual(3);
    }
  });
});
