import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import type { NewPersonalToken } from '../../ports/personal-token-records.js';
import type { FreshIdentity } from './identity/identity-store-fixture.suite.js';

function token(userId: number, name: string, extra: Partial<NewPersonalToken> = {}): NewPersonalToken {
  return {
    userId,
    name,
    description: '',
    permissions: [{ kind: 'project', namespace: 'team', access: [{ resource: 'repository', action: 'pull' }] }],
    secretHash: `hash-${userId}-${name}`,
    durationDays: null,
    expiresAt: null,
    createdAt: new Date(1_000_000),
    ...extra,
  };
}

/** The personal access token records (ports/personal-token-records.ts), on every backend. */
export function describePersonalTokenRecords(fresh: FreshIdentity): void {
  describe('personal tokens', () => {
    it('creates, reads by id and by secret hash, binding project blocks to the projects’ ids', async () => {
      const { store } = await fresh();
      const team = await store.projects.create({ name: 'team', public: false });
      const alice = await store.users.create({ username: 'alice' });
      const created = await store.personalTokens.create(
        token(alice.id, 'ci', {
          description: 'pulls',
          permissions: [
            { kind: 'project', namespace: 'team', access: [{ resource: 'repository', action: 'pull' }] },
            { kind: 'project', namespace: 'gone', access: [{ resource: 'repository', action: 'pull' }] },
            { kind: 'system', namespace: '/', access: [{ resource: 'project', action: 'create' }] },
          ],
          durationDays: 30,
          expiresAt: new Date(2_000_000_000),
        }),
      );
      expect(created).toEqual({
        id: expect.any(Number) as number,
        userId: alice.id,
        ownerName: 'alice',
        name: 'ci',
        description: 'pulls',
        permissions: [
          {
            kind: 'project',
            namespace: 'team',
            projectId: team.id,
            access: [{ resource: 'repository', action: 'pull' }],
          },
          { kind: 'project', namespace: 'gone', projectId: 0, access: [{ resource: 'repository', action: 'pull' }] },
          { kind: 'system', namespace: '/', access: [{ resource: 'project', action: 'create' }] },
        ],
        secretHash: 'hash-' + String(alice.id) + '-ci',
        durationDays: 30,
        expiresAt: new Date(2_000_000_000),
        createdAt: new Date(1_000_000),
        lastUsedAt: null,
      });
      expect(await store.personalTokens.get(created.id)).toEqual(created);
      expect(await store.personalTokens.getBySecretHash(created.secretHash)).toEqual(created);
      expect(await store.personalTokens.getBySecretHash('other')).toBeUndefined();
      expect(await store.personalTokens.get(created.id + 100)).toBeUndefined();
    });

    it('keeps names unique per user, secret hashes unique overall, and refuses a missing user', async () => {
      const { store } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      const bob = await store.users.create({ username: 'bob' });
      await store.personalTokens.create(token(alice.id, 'ci'));
      await expect(store.personalTokens.create(token(alice.id, 'ci', { secretHash: 'x' }))).rejects.toBeInstanceOf(
        ConflictError,
      );
      await store.personalTokens.create(token(bob.id, 'ci'));
      await expect(
        store.personalTokens.create(token(bob.id, 'other', { secretHash: `hash-${alice.id}-ci` })),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(store.personalTokens.create(token(9999, 'ci'))).rejects.toBeInstanceOf(NotFoundError);
    });

    it('lists newest first, by user and by owner name, with totals over all pages', async () => {
      const { store } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      const bob = await store.users.create({ username: 'Bobby' });
      const ids: number[] = [];
      for (const name of ['a', 'b', 'c']) ids.push((await store.personalTokens.create(token(alice.id, name))).id);
      const bobs = await store.personalTokens.create(token(bob.id, 'a'));
      const page1 = await store.personalTokens.list({ page: 1, pageSize: 2, userId: alice.id });
      expect(page1.total).toBe(3);
      expect(page1.items.map((t) => t.id)).toEqual([ids[2], ids[1]]);
      const page2 = await store.personalTokens.list({ page: 2, pageSize: 2, userId: alice.id });
      expect(page2.items.map((t) => t.id)).toEqual([ids[0]]);
      const all = await store.personalTokens.list({ page: 1, pageSize: 10 });
      expect(all.total).toBe(4);
      expect(all.items[0]).toMatchObject({ id: bobs.id, ownerName: 'Bobby' });
      const fuzzy = await store.personalTokens.list({
        page: 1,
        pageSize: 10,
        ownerName: { value: 'bob', exact: false },
      });
      expect(fuzzy.items.map((t) => t.id)).toEqual([bobs.id]);
      const exact = await store.personalTokens.list({
        page: 1,
        pageSize: 10,
        ownerName: { value: 'bob', exact: true },
      });
      expect(exact.total).toBe(0);
    });

    it('records the last use at most once per interval, and deletes', async () => {
      const { store } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      const t = await store.personalTokens.create(token(alice.id, 'ci'));
      expect(await store.personalTokens.touch(t.id, new Date(100_000), new Date(40_000))).toBe(true);
      // Recorded at 100 s: a use at 130 s (not after 70 s) does not write; one at 170 s does.
      expect(await store.personalTokens.touch(t.id, new Date(130_000), new Date(70_000))).toBe(false);
      expect((await store.personalTokens.get(t.id))?.lastUsedAt).toEqual(new Date(100_000));
      expect(await store.personalTokens.touch(t.id, new Date(170_000), new Date(110_000))).toBe(true);
      expect((await store.personalTokens.get(t.id))?.lastUsedAt).toEqual(new Date(170_000));
      expect(await store.personalTokens.delete(t.id)).toBe(true);
      expect(await store.personalTokens.delete(t.id)).toBe(false);
      expect(await store.personalTokens.get(t.id)).toBeUndefined();
    });

    it('goes with its user: a deleted user’s tokens are gone, and reads never see them', async () => {
      const { store } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      const t = await store.personalTokens.create(token(alice.id, 'ci'));
      expect(await store.users.delete(alice.id)).toBe(true);
      expect(await store.personalTokens.get(t.id)).toBeUndefined();
      expect(await store.personalTokens.getBySecretHash(t.secretHash)).toBeUndefined();
      expect((await store.personalTokens.list({ page: 1, pageSize: 10 })).total).toBe(0);
      await expect(store.personalTokens.create(token(alice.id, 'again'))).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
