import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROLE_IDS, PROJECT_ROLES, type ProjectRole } from '../../src/domain/rbac/roles.js';
import { ADMIN, api, basic, type Credentials } from '../helpers/api-client.js';
import { AuthProxyServer } from '../helpers/auth-proxy-server.js';
import { useTestRegistry } from '../helpers/test-registry.js';

/**
 * The authorisation matrix for group members: for each of the five roles, a user who holds it only through a group
 * (an HTTP group of the authenticating proxy started here) gets exactly the answers of a user who holds it directly,
 * on every endpoint below, in a private and in a public project, and the answers differ between roles (so the
 * comparison can fail). A user in two groups holds the union of their roles.
 */
const reg = useTestRegistry();
const proxy = new AuthProxyServer();
const VISIBILITIES = ['private', 'public'] as const;

const direct = (role: ProjectRole): Credentials => ({ username: `d-${role.toLowerCase()}`, password: `pw-d-${role}` });
const viaGroup = (role: ProjectRole): Credentials => ({
  username: `g-${role.toLowerCase()}`,
  password: `pw-g-${role}`,
});

beforeAll(async () => {
  const url = await proxy.start();
  for (const role of PROJECT_ROLES) {
    proxy.users.set(direct(role).username, { password: direct(role).password, groups: [] });
    proxy.users.set(viaGroup(role).username, { password: viaGroup(role).password, groups: [`grp-${role}`] });
  }
  proxy.users.set('both', { password: 'pw-both', groups: ['grp-guest', 'grp-developer'] });
  const configured = await api(reg.app, 'PUT', '/configurations', ADMIN, {
    auth_mode: 'http_auth',
    http_authproxy_endpoint: `${url}/login`,
    http_authproxy_tokenreview_endpoint: `${url}/tokenreview`,
  });
  expect(configured.statusCode, configured.body).toBe(200);
  for (const visibility of VISIBILITIES) {
    const project = `gm-${visibility}`;
    const created = await api(reg.app, 'POST', '/projects', ADMIN, {
      project_name: project,
      metadata: { public: String(visibility === 'public') },
    });
    expect(created.statusCode, created.body).toBe(201);
    for (const role of PROJECT_ROLES) {
      // The direct member signs in once (created by the proxy's word), then is added by name.
      expect((await api(reg.app, 'GET', '/users/current', direct(role))).statusCode).toBe(200);
      const roleId = PROJECT_ROLE_IDS[role];
      for (const body of [
        { role_id: roleId, member_user: { username: direct(role).username } },
        { role_id: roleId, member_group: { group_type: 2, group_name: `grp-${role}` } },
      ]) {
        const added = await api(reg.app, 'POST', `/projects/${project}/members`, ADMIN, body);
        expect(added.statusCode, added.body).toBe(201);
      }
    }
  }
});

afterAll(async () => {
  await proxy.stop();
});

async function tokenActions(as: Credentials, repository: string): Promise<string> {
  const scope = encodeURIComponent(`repository:${repository}:pull,push,delete`);
  const res = await reg.wharf.app.inject({
    method: 'GET',
    url: `/service/token?service=wharf-registry&scope=${scope}`,
    headers: { authorization: basic(as) },
  });
  expect(res.statusCode, res.body).toBe(200);
  const token = res.json<{ token: string }>().token;
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
    access: { actions: string[] }[];
  };
  return claims.access
    .flatMap((a) => a.actions)
    .sort()
    .join(',');
}

/** What a caller gets from each probe, as one comparable line per probe. */
async function answers(as: Credentials, project: string): Promise<string[]> {
  const paths = [
    `/projects/${project}`,
    `/projects/${project}/summary`,
    `/projects/${project}/members`,
    `/projects/${project}/metadatas`,
    `/projects/${project}/immutabletagrules`,
    `/projects/${project}/webhook/policies`,
    `/projects/${project}/robots`,
    `/projects/${project}/repositories`,
  ];
  const statuses = await Promise.all(
    paths.map(async (path) => `GET ${path} ${(await api(reg.app, 'GET', path, as)).statusCode}`),
  );
  return [...statuses, `token ${await tokenActions(as, `${project}/app`)}`];
}

describe('group members in the authorisation matrix', () => {
  it.each(VISIBILITIES)('answer a %s project exactly as direct members of the same role', async (visibility) => {
    const project = `gm-${visibility}`;
    const byRole = new Map<ProjectRole, string[]>();
    for (const role of PROJECT_ROLES) {
      const expected = await answers(direct(role), project);
      expect(await answers(viaGroup(role), project), role).toEqual(expected);
      byRole.set(role, expected);
    }
    // The roles differ somewhere, or the comparison proves nothing.
    expect(new Set([...byRole.values()].map((a) => a.join('\n'))).size).toBeGreaterThan(2);
    expect(byRole.get('projectAdmin')!.at(-1)).toBe('token delete,pull,push');
    expect(byRole.get('limitedGuest')!.at(-1)).toBe('token pull');
  });

  it("holds the union of its groups' roles", async () => {
    expect(await tokenActions({ username: 'both', password: 'pw-both' }, 'gm-private/app')).toBe('pull,push');
    const members = await api(reg.app, 'GET', '/projects/gm-private/members', {
      username: 'both',
      password: 'pw-both',
    });
    expect(members.statusCode).toBe(200);
  });
});
