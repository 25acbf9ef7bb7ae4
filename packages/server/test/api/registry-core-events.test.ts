import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/domain/events.js';
import { PermissionDeniedError } from '../../src/domain/errors.js';
import type { RegistryPolicy, RegistryPull, RegistryWrite } from '../../src/registry-core/policies.js';
import { ADMIN, api, expectHarborError } from '../helpers/api-client.js';
import { pullManifest, pushImage, pushIndex } from '../helpers/artifact-content.js';
import { createProjectWithMembers } from '../helpers/principals.js';
import { useTestRegistry } from '../helpers/test-registry.js';

/** A policy link that remembers what the core asked it, and refuses what `refuse` says. */
const asked: { write: RegistryWrite; inTransaction: boolean }[] = [];
const pulls: RegistryPull[] = [];
const refuse = { moveOf: '', deleteOf: '', pullOf: '' };
const recorder: RegistryPolicy = {
  name: 'test-recorder',
  beforeWrite(write, ctx) {
    asked.push({ write, inTransaction: ctx.tx !== undefined });
    if (
      (write.kind === 'tag.move' && write.tag === refuse.moveOf) ||
      ((write.kind === 'tag.delete' || write.kind === 'artifact.delete') && write.repository === refuse.deleteOf)
    ) {
      return Promise.reject(new PermissionDeniedError(`${write.kind} refused: immutable`));
    }
    return Promise.resolve();
  },
  beforePull(pull) {
    pulls.push(pull);
    if (pull.repository === refuse.pullOf) return Promise.reject(new PermissionDeniedError('pull blocked'));
    return Promise.resolve();
  },
};

const reg = useTestRegistry({}, { policies: [recorder] });

async function eventsOf(change: () => Promise<unknown>): Promise<DomainEvent[]> {
  // Events of earlier changes are delivered first (on PostgreSQL the relay may still be at them).
  await reg.wharf.events.relay.drain();
  const seen: DomainEvent[] = [];
  const name = `test-${Math.random()}`;
  reg.wharf.events.bus.subscribe(
    name,
    [
      'artifact.pushed',
      'artifact.deleted',
      'tag.created',
      'tag.moved',
      'tag.deleted',
      'repository.deleted',
      'project.created',
      'project.updated',
      'project.deleted',
      'member.added',
      'member.removed',
      'user.created',
      'user.password_changed',
      'user.deleted',
      'configuration.updated',
      'robot.created',
      'robot.updated',
      'robot.deleted',
    ],
    (event) => {
      seen.push(event);
    },
  );
  await change();
  await reg.wharf.events.relay.drain();
  return seen;
}

describe('the registry core records its events in the transaction of the change', () => {
  it('a push records artifact.pushed and tag.created by the pushing user; a re-push moves the tag', async () => {
    await createProjectWithMembers(reg.wharf, 'ev', { public: false });
    let first: { digest: string } | undefined;
    const pushed = await eventsOf(async () => (first = await pushImage(reg.app, 'ev/app', 'v1')));
    expect(pushed.map((e) => e.type)).toEqual(['artifact.pushed', 'tag.created']);
    expect(pushed[0]).toMatchObject({
      repository: 'ev/app',
      digest: first!.digest,
      tag: 'v1',
      by: { kind: 'user', name: 'admin' },
    });
    expect(pushed[0]!.at).toBeGreaterThan(0);
    const again = await eventsOf(() => pushImage(reg.app, 'ev/app', 'v1'));
    expect(again.map((e) => e.type)).toEqual(['artifact.pushed', 'tag.moved']);
    expect(again[1]).toMatchObject({ tag: 'v1', previous: first!.digest });
  });

  it('API tag creation and deletion, artifact and repository deletion go through the core', async () => {
    const image = await pushImage(reg.app, 'ev/api', 'v1');
    const created = await eventsOf(async () => {
      const res = await api(reg.app, 'POST', `/projects/ev/repositories/api/artifacts/${image.digest}/tags`, ADMIN, {
        name: 'extra',
      });
      expect(res.statusCode, res.body).toBe(201);
    });
    expect(created).toEqual([
      expect.objectContaining({
        type: 'tag.created',
        tag: 'extra',
        digest: image.digest,
        by: expect.anything() as unknown,
      }),
    ]);
    const deletedTag = await eventsOf(async () => {
      const res = await api(
        reg.app,
        'DELETE',
        `/projects/ev/repositories/api/artifacts/${image.digest}/tags/extra`,
        ADMIN,
      );
      expect(res.statusCode, res.body).toBe(200);
    });
    expect(deletedTag.map((e) => e.type === 'tag.deleted' && e.tag)).toEqual(['extra']);
    const index = await pushIndex(reg.app, 'ev/api', 'multi');
    const deep = await eventsOf(async () => {
      const res = await api(reg.app, 'DELETE', `/projects/ev/repositories/api/artifacts/${index.digest}`, ADMIN);
      expect(res.statusCode, res.body).toBe(200);
    });
    const deleted = deep.map((e) => (e.type === 'artifact.deleted' ? e.digest : ''));
    expect(deleted[0]).toBe(index.digest);
    expect(deleted.slice(1).sort()).toEqual(index.children.map((c) => c.digest).sort());
    expect(deep[0]).toMatchObject({ tags: ['multi'] });
    const gone = await eventsOf(async () => {
      expect((await api(reg.app, 'DELETE', '/projects/ev/repositories/api', ADMIN)).statusCode).toBe(200);
    });
    expect(gone).toEqual([expect.objectContaining({ type: 'repository.deleted', repository: 'ev/api' })]);
  });
});

describe('the policy chain', () => {
  it('is asked at every write point, inside the transaction once the change is made', async () => {
    asked.length = 0;
    await pushImage(reg.app, 'ev/points', 'v1', { layers: 1 });
    const kinds = asked.map((a) => `${a.write.kind}${a.inTransaction ? ' (tx)' : ''}`);
    expect(kinds).toEqual([
      'upload.start',
      'upload.complete (tx)',
      'upload.start',
      'upload.complete (tx)',
      'manifest.put (tx)',
      'tag.create (tx)',
    ]);
    const put = asked.find((a) => a.write.kind === 'manifest.put')!.write;
    expect(put).toMatchObject({ repository: 'ev/points', tag: 'v1' });
  });

  it('a refusing link stops the change, which records no event and keeps the old state', async () => {
    const first = await pushImage(reg.app, 'ev/immutable', 'stable');
    refuse.moveOf = 'stable';
    try {
      const events = await eventsOf(async () => {
        await expect(pushImage(reg.app, 'ev/immutable', 'stable')).rejects.toThrow(/403|immutable/);
      });
      expect(events).toEqual([]);
      const res = await reg.app.inject({
        method: 'HEAD',
        url: '/v2/ev/immutable/manifests/stable',
        headers: { authorization: `Basic ${Buffer.from('admin:Harbor12345').toString('base64')}` },
      });
      expect(res.headers['docker-content-digest']).toBe(first.digest);
    } finally {
      refuse.moveOf = '';
    }
  });

  it('sees pulls (GET, not HEAD) and may refuse them', async () => {
    await pushImage(reg.app, 'ev/pulled', 'v1');
    pulls.length = 0;
    expect((await pullManifest(reg.app, 'ev/pulled', 'v1')).statusCode).toBe(200);
    const head = await reg.app.inject({
      method: 'HEAD',
      url: '/v2/ev/pulled/manifests/v1',
      headers: { authorization: `Basic ${Buffer.from('admin:Harbor12345').toString('base64')}` },
    });
    expect(head.statusCode).toBe(200);
    expect(pulls).toEqual([expect.objectContaining({ repository: 'ev/pulled', tag: 'v1' })]);
    refuse.pullOf = 'ev/pulled';
    try {
      const refused = await pullManifest(reg.app, 'ev/pulled', 'v1');
      expect(refused.statusCode).toBe(403);
      expect(refused.json<{ errors: { code: string }[] }>().errors[0]?.code).toBe('DENIED');
    } finally {
      refuse.pullOf = '';
    }
  });

  it('management API refusals come back as Harbor errors and change nothing', async () => {
    const image = await pushImage(reg.app, 'ev/api-refused', 'stable');
    refuse.deleteOf = 'ev/api-refused';
    try {
      const events = await eventsOf(async () => {
        const tag = await api(
          reg.app,
          'DELETE',
          `/projects/ev/repositories/api-refused/artifacts/${image.digest}/tags/stable`,
          ADMIN,
        );
        expect(expectHarborError(tag, 403, 'FORBIDDEN')).toContain('immutable');
        const artifact = await api(reg.app, 'DELETE', `/projects/ev/repositories/api-refused/artifacts/stable`, ADMIN);
        expectHarborError(artifact, 403, 'FORBIDDEN');
      });
      expect(events).toEqual([]);
      const still = await api(reg.app, 'GET', '/projects/ev/repositories/api-refused/artifacts/stable', ADMIN);
      expect(still.statusCode).toBe(200);
    } finally {
      refuse.deleteOf = '';
    }
  });
});

describe('the management services record their events in the transaction of the change', () => {
  it('projects, members, users and configurations', async () => {
    const events = await eventsOf(async () => {
      const user = await api(reg.app, 'POST', '/users', ADMIN, {
        username: 'evie',
        password: 'Passw0rd1',
        email: 'evie@example.com',
        realname: 'Evie',
      });
      expect(user.statusCode, user.body).toBe(201);
      const project = await api(reg.app, 'POST', '/projects', ADMIN, {
        project_name: 'evproj',
        metadata: { public: 'false' },
      });
      expect(project.statusCode, project.body).toBe(201);
      const member = await api(reg.app, 'POST', '/projects/evproj/members', ADMIN, {
        role_id: 2,
        member_user: { username: 'evie' },
      });
      expect(member.statusCode, member.body).toBe(201);
      const memberId = Number(member.headers.location?.split('/').pop());
      expect((await api(reg.app, 'PUT', '/projects/evproj', ADMIN, { metadata: { public: 'true' } })).statusCode).toBe(
        200,
      );
      expect((await api(reg.app, 'DELETE', `/projects/evproj/members/${memberId}`, ADMIN)).statusCode).toBe(200);
      expect((await api(reg.app, 'PUT', '/configurations', ADMIN, { token_expiration: 45 })).statusCode).toBe(200);
      expect((await api(reg.app, 'DELETE', '/projects/evproj', ADMIN)).statusCode).toBe(200);
    });
    expect(events.map((e) => e.type)).toEqual([
      'user.created',
      'project.created',
      'member.added',
      'project.updated',
      'member.removed',
      'configuration.updated',
      'project.deleted',
    ]);
    expect(events.every((e) => e.by?.kind === 'user' && e.by.name === 'admin')).toBe(true);
    expect(events[2]).toMatchObject({ entity: 'evie', roleId: 2 });
    expect(events[5]).toMatchObject({ keys: ['token_expiration'] });
  });

  it('robots', async () => {
    const events = await eventsOf(async () => {
      const created = await api(reg.app, 'POST', '/robots', ADMIN, {
        name: 'evbot',
        level: 'system',
        duration: -1,
        permissions: [{ kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'pull' }] }],
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json<{ id: number }>().id;
      expect((await api(reg.app, 'PATCH', `/robots/${id}`, ADMIN, {})).statusCode).toBe(200);
      expect((await api(reg.app, 'DELETE', `/robots/${id}`, ADMIN)).statusCode).toBe(200);
    });
    expect(
      events.map((e) =>
        e.type === 'robot.created' || e.type === 'robot.updated' || e.type === 'robot.deleted' ? [e.type, e.robot] : [],
      ),
    ).toEqual([
      ['robot.created', 'robot$evbot'],
      ['robot.updated', 'robot$evbot'],
      ['robot.deleted', 'robot$evbot'],
    ]);
  });

  it('a refused change records nothing', async () => {
    const events = await eventsOf(async () => {
      const res = await api(reg.app, 'POST', '/projects', ADMIN, { project_name: 'ev', metadata: { public: 'false' } });
      expectHarborError(res, 409, 'CONFLICT');
    });
    expect(events).toEqual([]);
  });
});
