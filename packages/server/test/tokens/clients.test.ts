// End-to-end: real clients use a personal access token as the password. skopeo pushes and pulls with
// `--creds user:PAT` (through the token service, as docker does), a pull-only token cannot push, a revoked token
// stops working; `podman login` accepts a token.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../helpers/api-client.js';
import { ROLE, createMember, createProject } from '../helpers/e2e-wharf.js';
import { buildMultiLayerImage, requireTools, run, sha256Digest, runBytes } from '../helpers/oci-images.js';
import { startWharf, type RunningRegistry } from '../helpers/registry-process.js';

let registry: RunningRegistry | undefined;
let work = '';

function reg(): RunningRegistry {
  if (!registry) throw new Error('registry not started (see the beforeAll error)');
  return registry;
}

const skopeo = (...args: string[]): Promise<string> => run('skopeo', args, { timeoutMs: 90_000 });

/** A /api/v2.0 request as `as` (HTTP Basic). */
function apiAs(as: Credentials, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${reg().url}/api/v2.0${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${as.username}:${as.password}`).toString('base64')}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function createToken(
  owner: Credentials,
  name: string,
  actions: string[],
): Promise<{ id: number; creds: Credentials }> {
  const me = (await (await apiAs(owner, 'GET', '/users/current')).json()) as { user_id: number };
  const res = await apiAs(owner, 'POST', `/users/${me.user_id}/tokens`, {
    name,
    duration: 1,
    permissions: [
      { kind: 'project', namespace: 'patc', access: actions.map((action) => ({ resource: 'repository', action })) },
    ],
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const created = (await res.json()) as { id: number; secret: string };
  return { id: created.id, creds: { username: owner.username, password: created.secret } };
}

const creds = (c: Credentials) => `${c.username}:${c.password}`;

beforeAll(async () => {
  await requireTools('skopeo', 'umoci', 'podman');
  work = await mkdtemp(join(tmpdir(), 'wharf-pat-clients-'));
  registry = await startWharf();
  await createProject(reg(), 'patc', false);
});

afterAll(async () => {
  await registry?.stop();
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('personal access tokens with real clients', () => {
  it('skopeo pushes and pulls with --creds user:PAT; a pull-only token cannot push; a revoked one fails', async () => {
    const user = { username: 'patclient', password: 'Passw0rd1pat' };
    await createMember(reg(), user, { name: 'patc', role: ROLE.developer });
    const push = await createToken(user, 'push', ['pull', 'push']);
    const pull = await createToken(user, 'pull', ['pull']);

    const src = join(work, 'image');
    const image = await buildMultiLayerImage(src, 'v1');
    const ref = `docker://${reg().host}/patc/app:v1`;
    await skopeo(
      'copy',
      '--quiet',
      '--dest-tls-verify=false',
      `--dest-creds=${creds(push.creds)}`,
      '--preserve-digests',
      `oci:${src}:v1`,
      ref,
    );
    const raw = await runBytes('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `--creds=${creds(pull.creds)}`,
      ref,
    ]);
    expect(sha256Digest(raw)).toBe(image.manifestDigest);
    await skopeo(
      'copy',
      '--quiet',
      '--src-tls-verify=false',
      `--src-creds=${creds(pull.creds)}`,
      ref,
      `oci:${join(work, 'pulled')}:v1`,
    );

    await expect(
      skopeo(
        'copy',
        '--quiet',
        '--dest-tls-verify=false',
        `--dest-creds=${creds(pull.creds)}`,
        `oci:${src}:v1`,
        `docker://${reg().host}/patc/app:v2`,
      ),
    ).rejects.toThrow(/denied|unauthori[sz]ed|forbidden|401|403/i);

    const me = (await (await apiAs(user, 'GET', '/users/current')).json()) as { user_id: number };
    expect((await apiAs(user, 'DELETE', `/users/${me.user_id}/tokens/${pull.id}`)).status).toBe(200);
    await expect(skopeo('inspect', '--raw', '--tls-verify=false', `--creds=${creds(pull.creds)}`, ref)).rejects.toThrow(
      /denied|unauthori[sz]ed|forbidden|401|403/i,
    );
  });

  it('podman login accepts a token and refuses a revoked one', async () => {
    const user = { username: 'patpodman', password: 'Passw0rd1pod' };
    await createMember(reg(), user, { name: 'patc', role: ROLE.guest });
    const token = await createToken(user, 'podman', ['pull']);
    const authfile = join(work, 'auth.json');
    // The secret goes through stdin, never on the command line.
    const loginWith = async (password: string) => {
      const child = execFile(
        'podman',
        ['login', '--tls-verify=false', '--authfile', authfile, '-u', user.username, '--password-stdin', reg().host],
        { env: { ...process.env, TMPDIR: work }, timeout: 60_000 },
      );
      child.stdin?.end(`${password}\n`);
      return new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    };
    expect(await loginWith(token.creds.password)).toBe(0);
    const me = (await (await apiAs(user, 'GET', '/users/current')).json()) as { user_id: number };
    expect((await apiAs(user, 'DELETE', `/users/${me.user_id}/tokens/${token.id}`)).status).toBe(200);
    expect(await loginWith(token.creds.password)).not.toBe(0);
  });
});
