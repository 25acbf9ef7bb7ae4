import { describe, expect, it } from 'vitest';
import { ADMIN, basic } from '../helpers/api-client.js';
import { createProjectWithMembers, createRobotDirect, createUserDirect } from '../helpers/principals.js';
import { useTestRegistry } from '../helpers/test-registry.js';
import { apiAs, expectRefused, SMALL_LIMITS, statuses, v2 } from './rate-limit-client.js';

const PULL = [{ resource: 'repository', action: 'pull' }];

describe('rate limits on /v2 (in-memory counters)', () => {
  const registry = useTestRegistry({
    ...SMALL_LIMITS,
    WHARF_RATELIMITS_EXEMPT: '10.9.0.0/16, 192.0.2.7',
    WHARF_RATELIMITS_EXEMPTPRINCIPALS: 'robot$ci',
  });

  it('limits pulls per user: the fifth read is 429 TOOMANYREQUESTS with Retry-After; other users are unaffected', async () => {
    const { members } = await createProjectWithMembers(registry.wharf, 'pulls', { public: false });
    const [alice, bob] = [members.developer, members.guest];
    const reads = await statuses(4, () => v2(registry.app, 'GET', 'pulls/app/tags/list', alice));
    expect(reads.every((s) => s !== 429)).toBe(true);
    const refused = await v2(registry.app, 'GET', 'pulls/app/tags/list', alice);
    const message = expectRefused(refused, 'TOOMANYREQUESTS');
    expect(message).toContain('at most 4 pull requests every 60s per account');
    expect(refused.headers['docker-distribution-api-version']).toBe('registry/2.0');
    // HEAD of a manifest is a pull too, and the same user's count is spent.
    expect((await v2(registry.app, 'HEAD', 'pulls/app/manifests/latest', alice)).statusCode).toBe(429);
    // Another user, and the same user's pushes (another class), still pass.
    expect((await v2(registry.app, 'GET', 'pulls/app/tags/list', bob)).statusCode).not.toBe(429);
    expect((await v2(registry.app, 'POST', 'pulls/app/blobs/uploads/', alice)).statusCode).toBe(202);
  });

  it('limits robots per robot, and never limits exempt principals', async () => {
    const { project } = await createProjectWithMembers(registry.wharf, 'robots', { public: false });
    const robot = await createRobotDirect(registry.wharf, 'reader', PULL, project);
    const other = await createRobotDirect(registry.wharf, 'other', PULL, project);
    const ci = await createRobotDirect(registry.wharf, 'ci', PULL);
    expect(await statuses(5, () => v2(registry.app, 'GET', 'robots/app/tags/list', robot))).toEqual([
      404, 404, 404, 404, 429,
    ]);
    expect((await v2(registry.app, 'GET', 'robots/app/tags/list', other)).statusCode).toBe(404);
    const exempt = await statuses(8, () => v2(registry.app, 'GET', 'robots/app/tags/list', ci));
    expect(exempt).toEqual(Array(8).fill(404));
  });

  it('limits anonymous callers per client address, before authorisation, and never limits exempt addresses', async () => {
    await createProjectWithMembers(registry.wharf, 'open', { public: true });
    await createProjectWithMembers(registry.wharf, 'closed', { public: false });
    const from = (address: string) => () => v2(registry.app, 'GET', 'open/app/tags/list', undefined, address);
    expect(await statuses(3, from('198.51.100.1'))).toEqual([404, 404, 429]);
    expectRefused(await from('198.51.100.1')(), 'TOOMANYREQUESTS');
    expect((await from('198.51.100.2')()).statusCode).toBe(404);
    // Counted before authorisation: a private repository's challenges count too, and the refusal comes first.
    const closed = () => v2(registry.app, 'GET', 'closed/app/tags/list', undefined, '198.51.100.3');
    expect(await statuses(3, closed)).toEqual([401, 401, 429]);
    // An authenticated user at the refused address still passes: accounts are counted apart from addresses.
    const user = await createUserDirect(registry.wharf, 'anonymous-neighbour');
    expect((await v2(registry.app, 'GET', 'open/app/tags/list', user, '198.51.100.1')).statusCode).toBe(404);
    expect(await statuses(6, from('10.9.3.4'))).toEqual(Array(6).fill(404));
    expect(await statuses(6, from('::ffff:192.0.2.7'))).toEqual(Array(6).fill(404));
  });

  it('limits pushes per user: upload requests count in the push class', async () => {
    const { members } = await createProjectWithMembers(registry.wharf, 'pushes', { public: false });
    const dev = members.developer;
    expect(await statuses(2, () => v2(registry.app, 'POST', 'pushes/app/blobs/uploads/', dev))).toEqual([202, 202]);
    expectRefused(await v2(registry.app, 'POST', 'pushes/app/blobs/uploads/', dev), 'TOOMANYREQUESTS');
    expect((await v2(registry.app, 'POST', 'pushes/app/blobs/uploads/', members.maintainer)).statusCode).toBe(202);
    // An anonymous push attempt is counted by address (a limit of 1) before it is challenged.
    const anonymous = () => v2(registry.app, 'POST', 'pushes/app/blobs/uploads/', undefined, '203.0.113.9');
    expect(await statuses(2, anonymous)).toEqual([401, 429]);
  });
});

describe('rate limits on /api/v2.0, the token service and /c/login', () => {
  const registry = useTestRegistry(SMALL_LIMITS);

  it('limits API requests per user and robot with Harbor’s TOO_MANY_REQUESTS envelope and Retry-After', async () => {
    const { project, members } = await createProjectWithMembers(registry.wharf, 'apis', { public: false });
    const robot = await createRobotDirect(registry.wharf, 'api', PULL, project);
    for (const who of [members.guest, robot]) {
      expect(await statuses(3, () => apiAs(registry.app, '/users/current/permissions', who))).toEqual([200, 200, 200]);
      const message = expectRefused(await apiAs(registry.app, '/users/current/permissions', who), 'TOO_MANY_REQUESTS');
      expect(message).toContain('at most 3 api requests every 60s per account');
    }
    expect((await apiAs(registry.app, '/users/current', ADMIN)).statusCode).toBe(200);
  });

  it('limits anonymous API requests per client address', async () => {
    const from = (address: string) => () => apiAs(registry.app, '/systeminfo', undefined, address);
    expect(await statuses(3, from('198.51.100.20'))).toEqual([200, 200, 429]);
    expectRefused(await from('198.51.100.20')(), 'TOO_MANY_REQUESTS');
    expect((await from('198.51.100.21')()).statusCode).toBe(200);
  });

  it('limits the token service and portal logins per client address (the auth class)', async () => {
    const token = (address: string) => () =>
      registry.app.inject({
        method: 'GET',
        url: '/service/token?service=wharf-registry',
        remoteAddress: address,
        headers: { authorization: basic(ADMIN) },
      });
    expect(await statuses(2, token('198.51.100.30'))).toEqual([200, 200]);
    expectRefused(await token('198.51.100.30')(), 'TOOMANYREQUESTS');
    expect((await token('198.51.100.31')()).statusCode).toBe(200);
    const login = () =>
      registry.app.inject({
        method: 'POST',
        url: '/c/login',
        remoteAddress: '198.51.100.32',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ principal: 'admin', password: 'wrong' }).toString(),
      });
    expect(await statuses(2, login)).toEqual([401, 401]);
    expectRefused(await login(), 'TOO_MANY_REQUESTS');
  });
});

describe('rate limit windows', () => {
  const registry = useTestRegistry({
    WHARF_RATELIMITS_ENABLED: 'true',
    WHARF_RATELIMITS_API_ANONYMOUS_REQUESTS: '1',
    WHARF_RATELIMITS_API_ANONYMOUS_WINDOW: '1s',
  });

  it('start the count over when the window ends (Retry-After says when)', async () => {
    const ping = () => apiAs(registry.app, '/ping', undefined, '198.51.100.40');
    expect((await ping()).statusCode).toBe(200);
    const refused = await ping();
    expectRefused(refused, 'TOO_MANY_REQUESTS', 1);
    // The window is the counters' real time (rate-limiter-flexible reads Date.now, not the clock port): 1 s.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await ping()).statusCode).toBe(200);
  });
});
