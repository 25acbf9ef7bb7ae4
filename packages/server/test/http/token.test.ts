import { createPublicKey } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { libtrustKeyId } from '../../src/auth/token/token-keys.js';
import { verifyToken, type TokenClaims } from '../../src/auth/token/token-signer.js';
import { ADMIN, basic, type Credentials } from '../helpers/api-client.js';
import { expectOciError, pushImage } from '../helpers/inject-client.js';
import {
  createProjectWithMembers,
  createRobotDirect,
  createUserDirect,
  type ProjectWithMembers,
} from '../helpers/principals.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

const reg = useOciTestRegistry();
let priv: ProjectWithMembers;
let robot: Credentials;
let secretImage: Awaited<ReturnType<typeof pushImage>>;

beforeAll(async () => {
  priv = await createProjectWithMembers(reg.wharf, 'secret', { public: false });
  await reg.wharf.store.projects.create({ name: 'open', public: true });
  robot = await createRobotDirect(reg.wharf, 'ci', [{ resource: 'repository', action: 'pull' }], priv.project);
  secretImage = await pushImage(reg.app, 'secret/app', 'v1');
  await pushImage(reg.app, 'open/app', 'v1');
});

async function token(query: string, as?: Credentials) {
  const res = await reg.wharf.app.inject({
    method: 'GET',
    url: `/service/token?service=wharf-registry&${query}`,
    headers: as ? { authorization: basic(as) } : {},
  });
  return res;
}

function claimsOf(jwt: string): TokenClaims {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as TokenClaims;
}

async function issued(query: string, as?: Credentials): Promise<{ jwt: string; claims: TokenClaims }> {
  const res = await token(query, as);
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ token: string; access_token: string; expires_in: number; issued_at: string }>();
  expect(body.access_token).toBe(body.token);
  return { jwt: body.token, claims: claimsOf(body.token) };
}

function v2(url: string, jwt?: string, method: 'GET' | 'POST' | 'HEAD' = 'GET') {
  return reg.wharf.app.inject({ method, url, headers: jwt ? { authorization: `Bearer ${jwt}` } : {} });
}

describe('GET /service/token', () => {
  it('signs a JWT with kid, issuer, audience and the configured lifetime, verifiable with the stored key', async () => {
    await reg.wharf.store.settings.set({ tokenExpiration: 45 });
    const res = await token('scope=repository:open/app:pull', ADMIN);
    const body = res.json<{ token: string; expires_in: number; issued_at: string }>();
    expect(res.headers['cache-control']).toBe('no-store');
    expect(body.expires_in).toBe(45 * 60);
    expect(Math.abs(Date.parse(body.issued_at) - Date.now())).toBeLessThan(10_000);
    const header = JSON.parse(Buffer.from(body.token.split('.')[0]!, 'base64url').toString('utf8')) as {
      alg: string;
      kid: string;
    };
    // The signing key is the database's (sealed by the secret key, <data.dir>/secret.key, mode 0600).
    const publicKey = createPublicKey(reg.wharf.keys.ring.current().privateKey);
    expect(header).toMatchObject({ alg: 'RS256', kid: libtrustKeyId(publicKey) });
    expect((await stat(path.join(reg.dataDir, 'secret.key'))).mode & 0o777).toBe(0o600);
    const claims = verifyToken(
      body.token,
      { algorithm: 'RS256', kid: header.kid, publicKey },
      {
        issuer: 'wharf-token-issuer',
        audience: 'wharf-registry',
      },
    );
    expect(claims.sub).toBe('admin');
    expect(claims.exp - claims.iat).toBe(45 * 60);
    expect(claims.access).toEqual([{ type: 'repository', name: 'open/app', actions: ['pull'] }]);
    await reg.wharf.store.settings.set({ tokenExpiration: 30 });
  });

  it('reduces requested actions to what the caller may do, scope by scope', async () => {
    const dev = priv.members.developer;
    const guest = priv.members.guest;
    const scope = 'scope=repository:secret/app:pull,push,delete&scope=repository:open/app:pull,push';
    expect((await issued(scope, dev)).claims.access).toEqual([
      { type: 'repository', name: 'secret/app', actions: ['pull', 'push'] },
      { type: 'repository', name: 'open/app', actions: ['pull'] },
    ]);
    expect((await issued(scope, guest)).claims.access).toEqual([
      { type: 'repository', name: 'secret/app', actions: ['pull'] },
      { type: 'repository', name: 'open/app', actions: ['pull'] },
    ]);
    expect((await issued(scope, priv.members.projectAdmin)).claims.access[0]?.actions).toEqual([
      'pull',
      'push',
      'delete',
    ]);
    expect((await issued(scope, robot)).claims.access).toEqual([
      { type: 'repository', name: 'secret/app', actions: ['pull'] },
      { type: 'repository', name: 'open/app', actions: ['pull'] },
    ]);
  });

  it('gives anonymous callers public pulls only, and a token even when nothing is granted', async () => {
    const { claims } = await issued('scope=repository:secret/app:pull&scope=repository:open/app:pull,push');
    expect(claims.sub).toBe('');
    expect(claims.access).toEqual([{ type: 'repository', name: 'open/app', actions: ['pull'] }]);
  });

  it('accepts several scopes in one parameter and names with colons', async () => {
    const { claims } = await issued(
      `scope=${encodeURIComponent('repository:open/app:pull repository:open/other:pull')}&scope=repository:host:5000/x:pull`,
      ADMIN,
    );
    expect(claims.access.map((a) => a.name)).toEqual(['open/app', 'open/other']);
  });

  it('grants registry:catalog:* to administrators only', async () => {
    expect((await issued('scope=registry:catalog:*', ADMIN)).claims.access).toEqual([
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ]);
    expect((await issued('scope=registry:catalog:*', priv.members.projectAdmin)).claims.access).toEqual([]);
  });

  it('grants repository:*:* as every action the caller has', async () => {
    expect((await issued('scope=repository:secret/app:*', ADMIN)).claims.access[0]?.actions).toEqual(['*']);
    expect((await issued('scope=repository:secret/app:*', priv.members.developer)).claims.access[0]?.actions).toEqual([
      'pull',
      'push',
    ]);
  });

  it('refuses wrong credentials, malformed scopes and another service', async () => {
    const wrong = await token('scope=repository:open/app:pull', { username: 'admin', password: 'nope' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] });
    const disabled = await createRobotDirect(reg.wharf, 'off', [], priv.project, { disabled: true });
    expect((await token('scope=repository:open/app:pull', disabled)).statusCode).toBe(401);
    expect((await token('scope=repository:open/app')).statusCode).toBe(400);
    const other = await reg.wharf.app.inject({ method: 'GET', url: '/service/token?service=elsewhere' });
    expect(other.statusCode).toBe(400);
  });

  it("answers requests naming Harbor's service harbor-registry, with the configured audience", async () => {
    const res = await reg.wharf.app.inject({
      method: 'GET',
      url: '/service/token?service=harbor-registry&scope=repository:secret/app:pull',
      headers: { authorization: basic(priv.members.guest) },
    });
    expect(res.statusCode, res.body).toBe(200);
    const jwt = res.json<{ token: string }>().token;
    expect(claimsOf(jwt).aud).toBe('wharf-registry');
    expect(claimsOf(jwt).access).toEqual([{ type: 'repository', name: 'secret/app', actions: ['pull'] }]);
    expect((await v2('/v2/secret/app/manifests/v1', jwt)).statusCode).toBe(200);
  });

  it('supports the OAuth2 password grant by POST', async () => {
    const res = await reg.wharf.app.inject({
      method: 'POST',
      url: '/service/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'password',
        username: priv.members.developer.username,
        password: priv.members.developer.password,
        service: 'wharf-registry',
        scope: 'repository:secret/app:pull,push',
        client_id: 'docker',
      }).toString(),
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ access_token: string; scope: string; expires_in: number }>();
    expect(body.scope).toBe('repository:secret/app:pull,push');
    expect(claimsOf(body.access_token).sub).toBe(priv.members.developer.username);
    const refresh = await reg.wharf.app.inject({
      method: 'POST',
      url: '/service/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=refresh_token&refresh_token=x',
    });
    expect(refresh.statusCode).toBe(400);
    expect(refresh.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});

describe('Bearer tokens on /v2', () => {
  it('challenges anonymous requests with the scope they need', async () => {
    const res = await v2('/v2/secret/app/manifests/v1');
    expectOciError(res, 401, 'UNAUTHORIZED');
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="http://localhost:80/service/token",service="wharf-registry",scope="repository:secret/app:pull"',
    );
    const push = await v2('/v2/secret/app/blobs/uploads/', undefined, 'POST');
    expect(push.headers['www-authenticate']).toContain('scope="repository:secret/app:pull,push"');
  });

  it('completes the token flow: challenge, token, retry', async () => {
    const { jwt } = await issued('scope=repository:secret/app:pull', priv.members.guest);
    expect((await v2('/v2/secret/app/manifests/v1', jwt)).statusCode).toBe(200);
    expect((await v2('/v2/secret/app/tags/list', jwt)).json()).toEqual({ name: 'secret/app', tags: ['v1'] });
    const base = await v2('/v2/', jwt);
    expect(base.statusCode).toBe(200);
  });

  it('asks for a new token when the one presented lacks the scope', async () => {
    const { jwt } = await issued('scope=repository:secret/app:pull', priv.members.developer);
    const res = await v2('/v2/secret/app/blobs/uploads/', jwt, 'POST');
    expectOciError(res, 401, 'UNAUTHORIZED');
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    const other = await v2('/v2/open/app/manifests/v1', jwt);
    expect(other.statusCode).toBe(401);
  });

  it('refuses tampered, foreign and expired tokens with invalid_token', async () => {
    const { jwt } = await issued('scope=repository:open/app:pull', ADMIN);
    const [h, , s] = jwt.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...claimsOf(jwt), access: [{ type: 'repository', name: 'secret/app', actions: ['pull'] }] }),
    ).toString('base64url');
    for (const bad of [`${h}.${forged}.${s}`, 'not-a-token', `${jwt}x`]) {
      const res = await v2('/v2/secret/app/manifests/v1', bad);
      expectOciError(res, 401, 'UNAUTHORIZED');
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    }
    const fresh = await issued('scope=repository:open/app:pull', ADMIN);
    expect((await v2('/v2/open/app/manifests/v1', fresh.jwt)).statusCode).toBe(200);
    // Thirty-one minutes later the (cached) token has expired.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31 * 60 * 1000);
    const expired = await v2('/v2/open/app/manifests/v1', fresh.jwt).finally(() => vi.useRealTimers());
    expectOciError(expired, 401, 'UNAUTHORIZED');
    expect(expired.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('filters the catalog by what the token subject may read', async () => {
    const guest = (await issued('scope=registry:catalog:*', priv.members.guest)).jwt;
    const outsider = await createProjectWithMembers(reg.wharf, 'elsewhere', { public: false });
    const stranger = (await issued('scope=registry:catalog:*', outsider.members.guest)).jwt;
    const admin = (await issued('scope=registry:catalog:*', ADMIN)).jwt;
    const list = async (jwt: string) => (await v2('/v2/_catalog', jwt)).json<{ repositories: string[] }>().repositories;
    expect(await list(admin)).toEqual(['open/app', 'secret/app']);
    expect(await list(guest)).toEqual(['open/app', 'secret/app']);
    expect(await list(stranger)).toEqual(['open/app']);
    const anonymous = (await issued('scope=registry:catalog:*')).jwt;
    expect((await v2('/v2/_catalog', anonymous)).statusCode).toBe(401);
  });
  it("challenges a cross-repository mount with the source's pull too; following it mounts (201)", async () => {
    const layer = secretImage.manifest.layers[0]!.digest;
    const url = `/v2/secret/copy/blobs/uploads/?mount=${layer}&from=secret/app`;
    const anonymous = await v2(url, undefined, 'POST');
    expectOciError(anonymous, 401, 'UNAUTHORIZED');
    const challenge = anonymous.headers['www-authenticate'] as string;
    expect(challenge).toBe(
      'Bearer realm="http://localhost:80/service/token",service="wharf-registry",' +
        'scope="repository:secret/copy:pull,push repository:secret/app:pull"',
    );
    const scopes = /scope="([^"]*)"/.exec(challenge)![1]!.split(' ');
    const query = scopes.map((scope) => `scope=${encodeURIComponent(scope)}`).join('&');
    const { jwt } = await issued(query, priv.members.developer);
    const mounted = await v2(url, jwt, 'POST');
    expect(mounted.statusCode, mounted.body).toBe(201);
    expect(mounted.headers.location).toBe(`/v2/secret/copy/blobs/${layer}`);
    // A token for the target alone still uploads (202), as before: mounting needs the source's pull.
    const targetOnly = (await issued('scope=repository:secret/copy2:pull,push', priv.members.developer)).jwt;
    const upload = await v2(`/v2/secret/copy2/blobs/uploads/?mount=${layer}&from=secret/app`, targetOnly, 'POST');
    expect(upload.statusCode).toBe(202);
  });
});

describe('logins refused during a lock', () => {
  // Five failures from one address lock the account there (login.pairLockAfter, the default); the first lock lasts
  // five minutes here, so that the refusals below cannot race its end.
  const locking = useOciTestRegistry({
    WHARF_LOGIN_PAIRLOCKAFTER: '5',
    WHARF_LOGIN_ADDRESSLOCKAFTER: '20',
    WHARF_LOGIN_LOCKDURATION: '300',
  });

  it('say so, with Retry-After, on the token service and on /v2 with Basic credentials', async () => {
    const user = await createUserDirect(locking.wharf, 'lockable');
    const wrong = { ...user, password: 'Wrong-passw0rd' };
    const tokenAs = (as: Credentials) =>
      locking.wharf.app.inject({
        method: 'GET',
        url: '/service/token?service=wharf-registry&scope=repository:library/app:pull',
        headers: { authorization: basic(as) },
      });
    for (let i = 0; i < 5; i++) {
      const refused = await tokenAs(wrong);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] });
      expect(refused.headers['retry-after']).toBeUndefined();
    }
    // Locked now: the right password is refused unchecked, and the answer says why (docker prints the message).
    for (const as of [user, wrong]) {
      const locked = await tokenAs(as);
      expect(locked.statusCode).toBe(401);
      const seconds = Number(locked.headers['retry-after']);
      expect(seconds).toBeGreaterThan(290);
      expect(seconds).toBeLessThanOrEqual(300);
      expect(locked.json()).toEqual({
        errors: [
          {
            code: 'UNAUTHORIZED',
            message: `too many failed logins: login locked, try again in ${seconds} seconds`,
          },
        ],
      });
      const v2 = await locking.wharf.app.inject({ method: 'GET', url: '/v2/', headers: { authorization: basic(as) } });
      expectOciError(v2, 401, 'UNAUTHORIZED');
      expect(v2.json<{ errors: { message: string }[] }>().errors[0]?.message).toMatch(
        /^too many failed logins: login locked, try again in \d+ seconds$/,
      );
      expect(Number(v2.headers['retry-after'])).toBeGreaterThan(290);
      expect(v2.headers['www-authenticate']).toMatch(/^Bearer realm=/);
    }
    // Other accounts log in as before.
    expect((await tokenAs(ADMIN)).statusCode).toBe(200);
  });
});
