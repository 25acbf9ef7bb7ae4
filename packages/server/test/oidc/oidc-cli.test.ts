// End to end: an OIDC user signs in on the portal through a real OpenID provider, then uses their CLI secret as a
// password: Basic on /api/v2.0, the token service, and skopeo pushing and pulling; revoking their session at the
// provider ends it once the access token has expired.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/ports/clock.js';
import { ADMIN, api, basic } from '../helpers/api-client.js';
import { buildMultiLayerImage, requireTools, run } from '../helpers/oci-images.js';
import { freePort } from '../helpers/registry-process.js';
import { sessionApi } from '../helpers/session-client.js';
import { startTestRegistry, type TestRegistry } from '../helpers/test-registry.js';
import { TestBrowser } from './oidc-browser.js';
import { CLIENT_ID, CLIENT_SECRET, startTestOpenIdProvider, type TestOpenIdProvider } from './oidc-provider-harness.js';

describe('the CLI secret of an OIDC user as a password (API, token service, skopeo), access through an OIDC group', () => {
  const clock = new ManualClock();
  let idp: TestOpenIdProvider;
  let registry: TestRegistry;
  let host = '';
  let base = '';
  let work = '';
  const dave = { username: 'dave', password: '' };

  beforeAll(async () => {
    await requireTools('skopeo', 'umoci');
    work = await mkdtemp(join(tmpdir(), 'wharf-oidc-cli-'));
    const port = await freePort();
    host = `127.0.0.1:${port}`;
    base = `http://${host}`;
    idp = await startTestOpenIdProvider(`${base}/c/oidc/callback`);
    idp.accounts.set('dave-sub', { name: 'dave', email: 'dave@example.com', groups: ['team-a'] });
    registry = await startTestRegistry({ WHARF_HTTP_BASEURL: base, WHARF_HTTP_ADDR: host }, { clock });
    await registry.wharf.listen();
    const configured = await api(registry.app, 'PUT', '/configurations', ADMIN, {
      auth_mode: 'oidc_auth',
      oidc_name: 'Test IdP',
      oidc_endpoint: idp.issuer,
      oidc_client_id: CLIENT_ID,
      oidc_client_secret: CLIENT_SECRET,
      oidc_scope: 'openid,offline_access,profile,email,groups',
      oidc_groups_claim: 'groups',
      oidc_verify_cert: false,
      oidc_auto_onboard: true,
      oidc_extra_redirect_parms: '{"prompt":"consent"}',
    });
    expect(configured.statusCode, configured.body).toBe(200);
    // dave signs in on the portal once; his CLI secret is on his own account page.
    idp.signInAs('dave-sub');
    const browser = new TestBrowser(registry.app, base);
    await browser.follow('/c/oidc/login');
    const me = await sessionApi(registry.app, 'GET', '/users/current', browser.session());
    dave.password = me.json<{ oidc_user_meta: { secret: string } }>().oidc_user_meta.secret;
    expect(
      (
        await api(registry.app, 'POST', '/projects', ADMIN, {
          project_name: 'oidc-team',
          metadata: { public: 'false' },
        })
      ).statusCode,
    ).toBe(201);
    // dave's access comes from his group at the provider: team-a is a developer of the project.
    const member = await api(registry.app, 'POST', '/projects/oidc-team/members', ADMIN, {
      role_id: 2,
      member_group: { group_name: 'team-a', group_type: 3 },
    });
    expect(member.statusCode, member.body).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await registry?.close();
    await idp?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const skopeo = (...args: string[]) => run('skopeo', args, { timeoutMs: 90_000 });

  it('authenticates Basic requests to the API and the token service', async () => {
    const current = await api(registry.app, 'GET', '/users/current', dave);
    expect(current.statusCode, current.body).toBe(200);
    expect(current.json()).toMatchObject({ username: 'dave' });
    expect((await api(registry.app, 'GET', '/users/current', { ...dave, password: 'Wr0ngSecret' })).statusCode).toBe(
      401,
    );
    const token = await registry.app.inject({
      method: 'GET',
      url: '/service/token?service=wharf-registry&scope=repository:oidc-team/app:pull,push',
      headers: { authorization: basic(dave) },
    });
    expect(token.statusCode, token.body).toBe(200);
    const claims: unknown = JSON.parse(
      Buffer.from(token.json<{ token: string }>().token.split('.')[1]!, 'base64url').toString(),
    );
    expect(claims).toMatchObject({ sub: 'dave', access: [{ name: 'oidc-team/app', actions: ['pull', 'push'] }] });
  });

  it('pushes and pulls with skopeo using the CLI secret; a removed group loses access; a revoked session ends it', async () => {
    const image = await buildMultiLayerImage(join(work, 'src'), 'v1');
    const creds = `${dave.username}:${dave.password}`;
    await skopeo(
      'copy',
      '--quiet',
      '--dest-tls-verify=false',
      `--dest-creds=${creds}`,
      `oci:${image.dir}:v1`,
      `docker://${host}/oidc-team/app:v1`,
    );
    await skopeo(
      'copy',
      '--quiet',
      '--src-tls-verify=false',
      `--src-creds=${creds}`,
      `docker://${host}/oidc-team/app:v1`,
      `oci:${join(work, 'dst')}:v1`,
    );
    const pulled = await run('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `--creds=${creds}`,
      `docker://${host}/oidc-team/app:v1`,
    ]);
    expect(JSON.parse(pulled)).toMatchObject({ layers: expect.any(Array) as unknown });

    // Removed from team-a at the provider: once the access token has expired, the refresh says so and the group's
    // access is gone (the login itself still works).
    idp.accounts.get('dave-sub')!.groups = [];
    clock.advanceSeconds(3700);
    expect((await api(registry.app, 'GET', '/users/current', dave)).statusCode).toBe(200);
    const denied = await registry.app.inject({
      method: 'GET',
      url: '/service/token?service=wharf-registry&scope=repository:oidc-team/app:pull',
      headers: { authorization: basic(dave) },
    });
    const deniedClaims = JSON.parse(
      Buffer.from(denied.json<{ token: string }>().token.split('.')[1]!, 'base64url').toString(),
    ) as { access: unknown[] };
    expect(deniedClaims.access).toEqual([]);
    await expect(
      skopeo(
        'copy',
        '--quiet',
        '--src-tls-verify=false',
        `--src-creds=${creds}`,
        `docker://${host}/oidc-team/app:v1`,
        `oci:${join(work, 'no-group')}:v1`,
      ),
    ).rejects.toThrow();
    idp.accounts.get('dave-sub')!.groups = ['team-a'];
    clock.advanceSeconds(3700);
    expect(
      JSON.parse(
        await run('skopeo', [
          'inspect',
          '--raw',
          '--tls-verify=false',
          `--creds=${creds}`,
          `docker://${host}/oidc-team/app:v1`,
        ]),
      ),
    ).toMatchObject({ layers: expect.any(Array) as unknown });

    // Revoked at the provider: refused once the access token has expired and the refresh fails.
    idp.revokeTokensOf('dave-sub');
    clock.advanceSeconds(3700);
    expect((await api(registry.app, 'GET', '/users/current', dave)).statusCode).toBe(401);
    await expect(
      skopeo(
        'copy',
        '--quiet',
        '--src-tls-verify=false',
        `--src-creds=${creds}`,
        `docker://${host}/oidc-team/app:v1`,
        `oci:${join(work, 'again')}:v1`,
      ),
    ).rejects.toThrow();
  }, 120_000);
});
