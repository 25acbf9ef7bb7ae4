import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, basic } from '../helpers/api-client.js';
import { OCI_MANIFEST, pushImage, randomBlob, sha256 } from '../helpers/inject-client.js';
import { createUserDirect } from '../helpers/principals.js';
import { login, type BrowserSession } from '../helpers/session-client.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

/**
 * The portal reads manifests and blobs from /v2 with its session cookie, as Harbor's does: a live session
 * authenticates GET and HEAD with its user's rights; it never authorises a write, and an unknown or ended session
 * is no credential (anonymous).
 */
const reg = useOciTestRegistry();
let image: Awaited<ReturnType<typeof pushImage>>;
let member: BrowserSession;
let outsider: BrowserSession;

beforeAll(async () => {
  image = await pushImage(reg.app, 'sess/app', 'v1');
  const project = await reg.wharf.store.projects.getByName('sess');
  const dev = await createUserDirect(reg.wharf, 'sess-dev');
  const user = await reg.wharf.store.users.getByName(dev.username);
  await reg.wharf.store.members.add({ projectId: project!.id, entityType: 'u', entityId: user!.id, roleId: 2 });
  await createUserDirect(reg.wharf, 'sess-outsider');
  member = await login(reg.wharf.app, dev);
  outsider = await login(reg.wharf.app, { username: 'sess-outsider', password: dev.password });
});

function withSession(
  session: BrowserSession | string,
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  extra: Record<string, string> = {},
) {
  const sid = typeof session === 'string' ? session : session.sid;
  const csrf = typeof session === 'string' ? {} : { 'x-harbor-csrf-token': session.csrf };
  return reg.wharf.app.inject({ method, url, headers: { cookie: `sid=${sid}`, ...csrf, ...extra } });
}

describe('/v2 with a portal session', () => {
  it('reads manifests, blobs and tags with the rights of the session user', async () => {
    const manifest = await withSession(member, 'GET', '/v2/sess/app/manifests/v1', { accept: OCI_MANIFEST });
    expect(manifest.statusCode, manifest.body).toBe(200);
    expect(manifest.headers['docker-content-digest']).toBe(image.digest);
    const head = await withSession(member, 'HEAD', `/v2/sess/app/manifests/${image.digest}`);
    expect(head.statusCode).toBe(200);
    const layer = image.manifest.layers[0]!.digest;
    expect((await withSession(member, 'GET', `/v2/sess/app/blobs/${layer}`)).statusCode).toBe(200);
    expect((await withSession(member, 'GET', '/v2/sess/app/tags/list')).json()).toEqual({
      name: 'sess/app',
      tags: ['v1'],
    });
    expect((await withSession(member, 'GET', '/v2/')).statusCode).toBe(200);
  });

  it('refuses a user without access to the project', async () => {
    const res = await withSession(outsider, 'GET', '/v2/sess/app/manifests/v1');
    expect(res.statusCode).toBe(403);
    expect(res.json<{ errors: { code: string }[] }>().errors[0]!.code).toBe('DENIED');
  });

  it('never authorises a write, even with the CSRF token', async () => {
    const admin = await login(reg.wharf.app, ADMIN);
    const blob = randomBlob(32);
    const upload = await withSession(admin, 'POST', `/v2/sess/app/blobs/uploads/?digest=${sha256(blob)}`);
    expect(upload.statusCode).toBe(401);
    const del = await withSession(admin, 'DELETE', `/v2/sess/app/manifests/${image.digest}`);
    expect(del.statusCode).toBe(401);
    const still = await reg.wharf.app.inject({
      method: 'HEAD',
      url: `/v2/sess/app/manifests/${image.digest}`,
      headers: { authorization: basic(ADMIN) },
    });
    expect(still.statusCode).toBe(200);
  });

  it('treats an unknown or ended session as anonymous', async () => {
    const unknown = await withSession('x'.repeat(43), 'GET', '/v2/sess/app/manifests/v1');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.headers['www-authenticate']).toMatch(/^Bearer realm=/);
    const ended = await login(reg.wharf.app, ADMIN);
    await reg.wharf.app.inject({ method: 'GET', url: '/c/log_out', headers: { cookie: `sid=${ended.sid}` } });
    expect((await withSession(ended, 'GET', '/v2/sess/app/manifests/v1')).statusCode).toBe(401);
  });

  it('lets Authorization win over the session cookie', async () => {
    const res = await reg.wharf.app.inject({
      method: 'GET',
      url: '/v2/sess/app/manifests/v1',
      headers: { cookie: `sid=${member.sid}`, authorization: basic({ username: 'admin', password: 'wrong' }) },
    });
    expect(res.statusCode).toBe(401);
  });
});
