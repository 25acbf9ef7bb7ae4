import { describe, expect, it } from 'vitest';
import type { DomainEvent, DomainEventType } from '../../src/domain/events.js';
import { PermissionDeniedError } from '../../src/domain/errors.js';
import type { RegistryPolicy, RegistryPull, RegistryWrite } from '../../src/registry-core/policies.js';
import { ADMIN, api, expectHarborError } from '../helpers/api-client.js';
import { pullManifest, pushBlobAs, pushImage, pushIndex } from '../helpers/artifact-content.js';
import { OCI_LAYER, randomBlob, sha256 } from '../helpers/inject-client.js';
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

const BLOB_EVENTS: readonly DomainEventType[] = ['blob.pushed', 'blob.mounted', 'blob.deleted'];

async function eventsOf(change: () => Promise<unknown>, types?: readonly DomainEventType[]): Promise<DomainEvent[]> {
  // Events of earlier changes are delivered first (on PostgreSQL the relay may still be at them).
  await reg.wharf.events.relay.drain();
  const seen: DomainEvent[] = [];
  const name = `test-${Math.random()}`;
  reg.wharf.events.bus.subscribe(
    name,
    types ?? [
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

const AUTH = { authorization: `Basic ${Buffer.from('admin:Harbor12345').toString('base64')}` };

describe('blob events', () => {
  it('monolithic and chunked uploads record blob.pushed, by the pushing user with the request origin', async () => {
    await createProjectWithMembers(reg.wharf, 'evb', { public: false });
    const mono = randomBlob(300);
    const events = await eventsOf(async () => {
      await pushBlobAs(reg.app, 'evb/one', mono, OCI_LAYER);
      // The same blob again: distribution notifies every completed upload.
      await pushBlobAs(reg.app, 'evb/one', mono, OCI_LAYER);
    }, BLOB_EVENTS);
    expect(events).toEqual([
      expect.objectContaining({ type: 'blob.pushed', repository: 'evb/one', digest: sha256(mono), size: 300 }),
      expect.objectContaining({ type: 'blob.pushed', repository: 'evb/one', digest: sha256(mono), size: 300 }),
    ]);
    expect(events[0]!.by).toMatchObject({ kind: 'user', name: 'admin', origin: { method: 'POST' } });

    const chunked = randomBlob(2000);
    const digest = sha256(chunked);
    const pushed = await eventsOf(async () => {
      const start = await reg.app.inject({ method: 'POST', url: '/v2/evb/one/blobs/uploads/', headers: AUTH });
      expect(start.statusCode, start.body).toBe(202);
      const location = start.headers.location!;
      const patch = await reg.app.inject({
        method: 'PATCH',
        url: location,
        payload: chunked.subarray(0, 1000),
        headers: { ...AUTH, 'content-type': 'application/octet-stream', 'content-range': '0-999' },
      });
      expect(patch.statusCode, patch.body).toBe(202);
      const sep = patch.headers.location!.includes('?') ? '&' : '?';
      const put = await reg.app.inject({
        method: 'PUT',
        url: `${patch.headers.location!}${sep}digest=${digest}`,
        payload: chunked.subarray(1000),
        headers: { ...AUTH, 'content-type': 'application/octet-stream' },
      });
      expect(put.statusCode, put.body).toBe(201);
    }, BLOB_EVENTS);
    expect(pushed).toEqual([expect.objectContaining({ type: 'blob.pushed', digest, size: 2000 })]);
    expect(pushed[0]!.by).toMatchObject({ name: 'admin', origin: { method: 'PUT' } });
  });

  it('an upload whose digest does not match records nothing', async () => {
    const blob = randomBlob(10);
    const events = await eventsOf(async () => {
      const res = await reg.app.inject({
        method: 'POST',
        url: `/v2/evb/one/blobs/uploads/?digest=${sha256(Buffer.from('other'))}`,
        payload: blob,
        headers: { ...AUTH, 'content-type': 'application/octet-stream' },
      });
      expect(res.statusCode).toBe(400);
    }, BLOB_EVENTS);
    expect(events).toEqual([]);
  });

  it('a cross-repository mount records blob.mounted with its source; a blob DELETE records blob.deleted', async () => {
    const blob = randomBlob(64);
    const digest = sha256(blob);
    await pushBlobAs(reg.app, 'evb/source', blob, OCI_LAYER);
    const mounted = await eventsOf(async () => {
      const res = await reg.app.inject({
        method: 'POST',
        url: `/v2/evb/target/blobs/uploads/?mount=${digest}&from=evb/source`,
        headers: AUTH,
      });
      expect(res.statusCode, res.body).toBe(201);
    }, BLOB_EVENTS);
    expect(mounted).toEqual([
      expect.objectContaining({ type: 'blob.mounted', repository: 'evb/target', digest, size: 64, from: 'evb/source' }),
    ]);
    expect(mounted[0]!.by).toMatchObject({ name: 'admin' });

    const deleted = await eventsOf(async () => {
      const res = await reg.app.inject({ method: 'DELETE', url: `/v2/evb/target/blobs/${digest}`, headers: AUTH });
      expect(res.statusCode, res.body).toBe(202);
      // Deleting what is not linked any more is 404 and records nothing.
      const again = await reg.app.inject({ method: 'DELETE', url: `/v2/evb/target/blobs/${digest}`, headers: AUTH });
      expect(again.statusCode).toBe(404);
    }, BLOB_EVENTS);
    expect(deleted).toEqual([expect.objectContaining({ type: 'blob.deleted', repository: 'evb/target', digest })]);
    expect(deleted[0]!.by).toMatchObject({ name: 'admin', origin: { method: 'DELETE' } });
  });

  it('blob.pulled is published for a GET (ranged too), not a HEAD, and only once somebody listens', async () => {
    const blob = randomBlob(100);
    const digest = sha256(blob);
    await pushBlobAs(reg.app, 'evb/pull', blob, OCI_LAYER);
    // Nobody listens yet: the GET does not even ask for the operator.
    expect(reg.wharf.registry.blobs.reportsPulls).toBe(false);
    expect(
      (await reg.app.inject({ method: 'GET', url: `/v2/evb/pull/blobs/${digest}`, headers: AUTH })).statusCode,
    ).toBe(200);
    const seen: DomainEvent[] = [];
    reg.wharf.events.bus.subscribe('test-blob-pulls', ['blob.pulled'], (event) => {
      seen.push(event);
    });
    expect(reg.wharf.registry.blobs.reportsPulls).toBe(true);
    const head = await reg.app.inject({ method: 'HEAD', url: `/v2/evb/pull/blobs/${digest}`, headers: AUTH });
    expect(head.statusCode).toBe(200);
    expect(seen).toEqual([]);
    const get = await reg.app.inject({ method: 'GET', url: `/v2/evb/pull/blobs/${digest}`, headers: AUTH });
    expect(get.statusCode).toBe(200);
    const ranged = await reg.app.inject({
      method: 'GET',
      url: `/v2/evb/pull/blobs/${digest}`,
      headers: { ...AUTH, range: 'bytes=0-9' },
    });
    expect(ranged.statusCode).toBe(206);
    expect(seen).toEqual([
      expect.objectContaining({ type: 'blob.pulled', repository: 'evb/pull', digest, size: 100 }),
      expect.objectContaining({ type: 'blob.pulled', repository: 'evb/pull', digest, size: 100 }),
    ]);
    expect(seen[0]!.by).toMatchObject({ kind: 'user', name: 'admin', origin: { method: 'GET' } });
  });
});
