import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../domain/errors.js';
import type { FreshIdentity } from './identity-store-fixture.suite.js';

export function describeUserRecords(fresh: FreshIdentity): void {
  describe('users', () => {
    it('creates a user and finds it by id, name and email', async () => {
      const { store } = await fresh();
      const before = Date.now();
      const alice = await store.users.create({
        username: 'alice',
        email: 'alice@example.com',
        realname: 'Alice A.',
        passwordHash: '$scrypt$n=16384$abc',
      });
      expect(alice).toMatchObject({
        username: 'alice',
        email: 'alice@example.com',
        realname: 'Alice A.',
        comment: '',
        passwordHash: '$scrypt$n=16384$abc',
        sysadmin: false,
      });
      expect(Number.isInteger(alice.id)).toBe(true);
      expect(alice.createdAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(alice.updatedAt).toEqual(alice.createdAt);
      expect(await store.users.get(alice.id)).toEqual(alice);
      expect(await store.users.getByName('alice')).toEqual(alice);
      expect(await store.users.getByEmail('alice@example.com')).toEqual(alice);
      expect(await store.users.getByName('Alice')).toBeUndefined();
      expect(await store.users.get(alice.id + 1000)).toBeUndefined();
      const bob = await store.users.create({ username: 'bob' });
      expect(bob).toMatchObject({ email: null, passwordHash: null, realname: '' });
    });

    it('refuses a taken username or email with a ConflictError naming it', async () => {
      const { store } = await fresh();
      await store.users.create({ username: 'alice', email: 'a@example.com' });
      const bob = await store.users.create({ username: 'bob', email: 'b@example.com' });
      await expect(store.users.create({ username: 'alice' })).rejects.toThrow(
        new ConflictError('username alice is already taken'),
      );
      await expect(store.users.create({ username: 'carol', email: 'a@example.com' })).rejects.toBeInstanceOf(
        ConflictError,
      );
      await expect(store.users.create({ username: 'carol', email: 'a@example.com' })).rejects.toThrow(
        'email a@example.com is already taken',
      );
      await expect(store.users.updateProfile(bob.id, { email: 'a@example.com' })).rejects.toBeInstanceOf(ConflictError);
      // Users without an email do not collide.
      await store.users.create({ username: 'd1' });
      await store.users.create({ username: 'd2' });
    });

    it('lists with a substring filter, paging, totals and sorting', async () => {
      const { store } = await fresh();
      for (const [username, email] of [
        ['carol', 'carol@corp.io'],
        ['alice', 'alice@home.io'],
        ['bob', 'bob@CORP.io'],
        ['dave', null],
        ['eve_1', 'eve@corp.io'],
      ] as const) {
        await store.users.create({ username, email });
      }
      const all = await store.users.list({ page: 1, pageSize: 2 });
      expect(all.total).toBe(5);
      expect(all.items.map((u) => u.username)).toEqual(['carol', 'alice']);
      const third = await store.users.list({ page: 3, pageSize: 2 });
      expect(third.items.map((u) => u.username)).toEqual(['eve_1']);
      expect((await store.users.list({ page: 4, pageSize: 2 })).items).toEqual([]);

      const corp = await store.users.list({
        q: 'corp',
        page: 1,
        pageSize: 10,
        sort: { by: 'username', direction: 'asc' },
      });
      expect(corp.items.map((u) => u.username)).toEqual(['bob', 'carol', 'eve_1']);
      expect(corp.total).toBe(3);
      const byName = await store.users.list({
        q: 'A',
        page: 1,
        pageSize: 10,
        sort: { by: 'username', direction: 'desc' },
      });
      expect(byName.items.map((u) => u.username)).toEqual(['dave', 'carol', 'alice']);
      // LIKE wildcards are literal.
      expect((await store.users.list({ q: '_', page: 1, pageSize: 10 })).items.map((u) => u.username)).toEqual([
        'eve_1',
      ]);
      expect((await store.users.list({ q: '%', page: 1, pageSize: 10 })).total).toBe(0);
      const newest = await store.users.list({ page: 1, pageSize: 1, sort: { by: 'createdAt', direction: 'desc' } });
      expect(newest.items.map((u) => u.username)).toEqual(['eve_1']);
    });

    it('filters by username and email separately, exactly or by substring', async () => {
      const { store } = await fresh();
      await store.users.create({ username: 'alice', email: 'ops@corp.io' });
      await store.users.create({ username: 'ops-bot', email: 'bot@home.io' });
      await store.users.create({ username: 'Alicia', email: null });
      const names = async (query: Parameters<typeof store.users.list>[0]) =>
        (await store.users.list(query)).items.map((u) => u.username);
      const page = { page: 1, pageSize: 10 };
      expect(await names({ ...page, username: { value: 'ops', exact: false } })).toEqual(['ops-bot']);
      expect(await names({ ...page, email: { value: 'OPS', exact: false } })).toEqual(['alice']);
      expect(await names({ ...page, username: { value: 'ali', exact: false } })).toEqual(['alice', 'Alicia']);
      expect(await names({ ...page, username: { value: 'alice', exact: true } })).toEqual(['alice']);
      expect(await names({ ...page, username: { value: 'Alice', exact: true } })).toEqual([]);
      expect(
        await names({ ...page, username: { value: 'ali', exact: false }, email: { value: 'corp', exact: false } }),
      ).toEqual(['alice']);
    });

    it('updates the profile, password hash and sysadmin flag of live users only', async () => {
      const { store } = await fresh();
      const alice = await store.users.create({ username: 'alice', email: 'a@example.com' });
      const updated = await store.users.updateProfile(alice.id, { realname: 'Alice', comment: 'ops' });
      expect(updated).toMatchObject({ email: 'a@example.com', realname: 'Alice', comment: 'ops' });
      expect(updated?.updatedAt.getTime()).toBeGreaterThanOrEqual(alice.updatedAt.getTime());
      expect(await store.users.updateProfile(alice.id, { email: null })).toMatchObject({ email: null });
      expect(await store.users.setPasswordHash(alice.id, 'hash-2')).toBe(true);
      expect(await store.users.setSysadmin(alice.id, true)).toBe(true);
      expect(await store.users.get(alice.id)).toMatchObject({ passwordHash: 'hash-2', sysadmin: true });
      expect(await store.users.updateProfile(alice.id + 1, { realname: 'x' })).toBeUndefined();
      expect(await store.users.setPasswordHash(alice.id + 1, 'x')).toBe(false);
      expect(await store.users.setSysadmin(alice.id + 1, true)).toBe(false);
    });

    it('deletes softly: the row is renamed, hidden, and its name and email are free again', async () => {
      const { store, db } = await fresh();
      const alice = await store.users.create({ username: 'alice', email: 'a@example.com', passwordHash: 'h' });
      const library = await store.projects.getByName('library');
      await store.members.add({ projectId: library?.id ?? 0, entityType: 'u', entityId: alice.id, roleId: 2 });
      expect(await store.users.delete(alice.id)).toBe(true);
      expect(await store.users.delete(alice.id)).toBe(false);
      expect(await store.users.get(alice.id)).toBeUndefined();
      expect(await store.users.getByName('alice')).toBeUndefined();
      expect(await store.users.setPasswordHash(alice.id, 'x')).toBe(false);
      expect((await store.users.list({ page: 1, pageSize: 10 })).total).toBe(0);
      expect(await store.members.rolesOf(alice.id)).toEqual([]);
      const row = await db.selectFrom('users').selectAll().where('id', '=', alice.id).executeTakeFirst();
      expect(row).toMatchObject({
        username: `alice#${alice.id}`,
        email: `a@example.com#${alice.id}`,
        password_hash: null,
        deleted: 1,
      });
      const again = await store.users.create({ username: 'alice', email: 'a@example.com' });
      expect(again.id).not.toBe(alice.id);
    });

    it('counts live users other than the bootstrap administrator', async () => {
      const { store } = await fresh();
      expect(await store.users.countOtherThan('admin')).toBe(0);
      await store.users.create({ username: 'admin', sysadmin: true });
      expect(await store.users.countOtherThan('admin')).toBe(0);
      const bob = await store.users.create({ username: 'bob' });
      await store.users.create({ username: 'carol' });
      expect(await store.users.countOtherThan('admin')).toBe(2);
      await store.users.delete(bob.id);
      expect(await store.users.countOtherThan('admin')).toBe(1);
    });
  });
}
