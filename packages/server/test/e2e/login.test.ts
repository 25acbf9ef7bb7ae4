// End-to-end: real clients log in and go through the Docker token flow against a private project, as a user and
// as a robot account: skopeo login / copy / inspect, and podman login / push / pull. Anonymous access to the
// private project must fail; a guest may pull but not push.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH } from '../helpers/oci-client.js';
import { buildMultiLayerImage, requireTools, run } from '../helpers/oci-images.js';
import { startWharf, type RunningRegistry } from '../helpers/registry-process.js';

let registry: RunningRegistry | undefined;
let work = '';
let layout = '';
const DEV = { username: 'dev-user', password: 'Dev-passw0rd' };
const GUEST = { username: 'guest-user', password: 'Guest-passw0rd' };
let robot = { username: '', password: '' };

function reg(): RunningRegistry {
  if (!registry) throw new Error('registry not started (see the beforeAll error)');
  return registry;
}

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${reg().url}/api/v2.0${path}`, {
    method,
    headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return res;
}

const skopeo = (...args: string[]) => run('skopeo', args, { timeoutMs: 90_000 });

/** Runs a command that must fail; returns its error message. */
async function failing(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the command succeeded but should have been refused');
}

beforeAll(async () => {
  await requireTools('skopeo', 'podman', 'umoci');
  // podman names an image pulled from `oci:DIR` after DIR, and image names must be lowercase: no mkdtemp.
  work = join(tmpdir(), `wharf-e2e-login-${randomBytes(6).toString('hex')}`);
  await mkdir(work, { recursive: true });
  registry = await startWharf();
  layout = join(work, 'layout');
  await buildMultiLayerImage(layout, 'v1');
  await api('POST', '/projects', { project_name: 'private', metadata: { public: 'false' } });
  for (const [user, role] of [
    [DEV, 2],
    [GUEST, 3],
  ] as const) {
    await api('POST', '/users', { ...user, email: `${user.username}@example.com`, realname: user.username });
    await api('POST', '/projects/private/members', { role_id: role, member_user: { username: user.username } });
  }
  const created = (await (
    await api('POST', '/robots', {
      name: 'ci',
      level: 'project',
      duration: -1,
      permissions: [
        {
          kind: 'project',
          namespace: 'private',
          access: [
            { resource: 'repository', action: 'pull' },
            { resource: 'repository', action: 'push' },
          ],
        },
      ],
    })
  ).json()) as { name: string; secret: string };
  robot = { username: created.name, password: created.secret };
  expect(robot.username).toBe('robot$private+ci');
});

afterAll(async () => {
  await registry?.stop();
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('skopeo logs in and uses the token flow', () => {
  for (const who of ['user', 'robot'] as const) {
    it(`as a ${who}: login, push, inspect and pull a private image; logout forgets the credentials`, async () => {
      const creds = who === 'user' ? DEV : robot;
      const authfile = join(work, `auth-${who}.json`);
      const ref = `docker://${reg().host}/private/${who}/app:v1`;
      const out = await skopeo(
        'login',
        '--tls-verify=false',
        '--authfile',
        authfile,
        '-u',
        creds.username,
        '-p',
        creds.password,
        reg().host,
      );
      expect(out).toContain('Login Succeeded');
      const auth = ['--authfile', authfile];
      await skopeo('copy', '--quiet', '--dest-tls-verify=false', ...auth, `oci:${layout}:v1`, ref);
      const raw = await skopeo('inspect', '--raw', '--tls-verify=false', ...auth, ref);
      expect(JSON.parse(raw)).toMatchObject({ schemaVersion: 2 });
      const pulled = join(work, `pulled-${who}`);
      await skopeo('copy', '--quiet', '--src-tls-verify=false', ...auth, ref, `oci:${pulled}:v1`);
      await skopeo('logout', '--authfile', authfile, reg().host);
      const anonymous = await failing(skopeo('inspect', '--raw', '--tls-verify=false', '--authfile', authfile, ref));
      expect(anonymous).toMatch(/unauthorized|authentication required|401/i);
    });
  }

  it('refuses a wrong password at login', async () => {
    const message = await failing(
      skopeo(
        'login',
        '--tls-verify=false',
        '--authfile',
        join(work, 'bad.json'),
        '-u',
        DEV.username,
        '-p',
        'nope',
        reg().host,
      ),
    );
    expect(message).toMatch(/invalid username\/password|unauthorized|401/i);
  });

  it('names a project that does not exist when pushing into it, without a JSON parse error', async () => {
    const message = await failing(
      skopeo(
        'copy',
        '--quiet',
        '--dest-tls-verify=false',
        `--dest-creds=${DEV.username}:${DEV.password}`,
        `oci:${layout}:v1`,
        `docker://${reg().host}/nosuchproject/app:v1`,
      ),
    );
    expect(message).toContain('name unknown: project nosuchproject does not exist');
    expect(message).not.toMatch(/error parsing HTTP \d+ response body/);
  });

  it('lets a guest pull but not push', async () => {
    const creds = `--creds=${GUEST.username}:${GUEST.password}`;
    const raw = await skopeo(
      'inspect',
      '--raw',
      '--tls-verify=false',
      creds,
      `docker://${reg().host}/private/user/app:v1`,
    );
    expect(JSON.parse(raw)).toMatchObject({ schemaVersion: 2 });
    const message = await failing(
      skopeo(
        'copy',
        '--quiet',
        '--dest-tls-verify=false',
        `--dest-creds=${GUEST.username}:${GUEST.password}`,
        `oci:${layout}:v1`,
        `docker://${reg().host}/private/guest/app:v1`,
      ),
    );
    expect(message).toMatch(/denied|unauthorized|403|401/i);
  });
});

describe('podman logs in as a robot and pushes and pulls', () => {
  it('login, push and pull by tag through the token flow', async () => {
    const root = join(tmpdir(), `wharf-e2e-login-podman-${randomBytes(6).toString('hex')}`);
    const store = ['--root', join(root, 'storage'), '--runroot', join(root, 'run'), '--storage-driver', 'vfs'];
    const podman = (...args: string[]) =>
      run('podman', [...store, '--events-backend', 'file', '--cgroup-manager', 'cgroupfs', ...args], {
        timeoutMs: 120_000,
      });
    const authfile = join(root, 'auth.json');
    try {
      const login = await podman(
        'login',
        '--tls-verify=false',
        '--authfile',
        authfile,
        '-u',
        robot.username,
        '-p',
        robot.password,
        reg().host,
      );
      expect(login).toContain('Login Succeeded');
      const imageId = (await podman('pull', '--quiet', `oci:${layout}:v1`)).trim().split('\n').pop()!;
      const ref = `${reg().host}/private/podman/app:v1`;
      await podman('push', '--tls-verify=false', '--authfile', authfile, imageId, `docker://${ref}`);
      await podman('rmi', '--force', imageId);
      const pulled = (await podman('pull', '--tls-verify=false', '--quiet', '--authfile', authfile, ref))
        .trim()
        .split('\n')
        .pop();
      expect(pulled).toBe(imageId);
      await podman('logout', '--authfile', authfile, reg().host);
      await podman('rmi', '--force', imageId);
      const anonymous = await failing(podman('pull', '--tls-verify=false', '--quiet', '--authfile', authfile, ref));
      expect(anonymous).toMatch(/unauthorized|authentication required|401/i);
    } finally {
      await run('rm', ['-rf', root]).catch(() => undefined);
    }
  });
});
