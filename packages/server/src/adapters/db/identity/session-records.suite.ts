import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../domain/errors.js';
import type { NewSession } from '../../../ports/identity-store.js';
import type { FreshIdentity } from './identity-store-fixture.suite.js';

function session(idHash: string, userId: number, expiresAt: number, extra: Partial<NewSession> = {}): NewSession {
  return {
    idHash,
    userId,
    credentialStamp: 'stamp',
    clientIp: '192.0.2.7',
    createdAt: new Date(1000),
    lastSeenAt: new Date(1000),
    expiresAt: new Date(expiresAt),
    ...extra,
  };
}

export function describeSessionRecords(fresh: FreshIdentity): void {
  describe('sessions', () => {
    it('creates, reads, touches and deletes a session by the hash of its id', async () => {
      const { store } = await fresh();
      const user = await store.users.create({ username: 'alice' });
      const created = await store.sessions.create(session('a'.repeat(64), user.id, 5000, { clientIp: null }));
      expect(created).toEqual({
        idHash: 'a'.repeat(64),
        userId: user.id,
        credentialStamp: 'stamp',
        clientIp: null,
        createdAt: new Date(1000),
        lastSeenAt: new Date(1000),
        expiresAt: new Date(5000),
      });
      expect(await store.sessions.get('a'.repeat(64))).toEqual(created);
      expect(await store.sessions.get('b'.repeat(64))).toBeUndefined();

      expect(await store.sessions.touch('a'.repeat(64), new Date(2000), new Date(9000))).toBe(true);
      expect(await store.sessions.get('a'.repeat(64))).toMatchObject({
        createdAt: new Date(1000),
        lastSeenAt: new Date(2000),
        expiresAt: new Date(9000),
      });
      expect(await store.sessions.touch('b'.repeat(64), new Date(2000), new Date(9000))).toBe(false);

      expect(await store.sessions.delete('a'.repeat(64))).toBe(true);
      expect(await store.sessions.delete('a'.repeat(64))).toBe(false);
      expect(await store.sessions.get('a'.repeat(64))).toBeUndefined();
    });

    it('refuses a duplicate id and a session of a user that does not exist', async () => {
      const { store } = await fresh();
      const user = await store.users.create({ username: 'alice' });
      await store.sessions.create(session('dup', user.id, 5000));
      await expect(store.sessions.create(session('dup', user.id, 6000))).rejects.toBeInstanceOf(ConflictError);
      await expect(store.sessions.create(session('orphan', user.id + 100, 6000))).rejects.toBeInstanceOf(NotFoundError);
    });

    it("ends every session of one user and leaves the others' alone", async () => {
      const { store } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      const bob = await store.users.create({ username: 'bob' });
      await store.sessions.create(session('a1', alice.id, 5000));
      await store.sessions.create(session('a2', alice.id, 5000));
      await store.sessions.create(session('b1', bob.id, 5000));
      expect(await store.sessions.deleteByUser(alice.id)).toBe(2);
      expect(await store.sessions.deleteByUser(alice.id)).toBe(0);
      expect(await store.sessions.get('a1')).toBeUndefined();
      expect(await store.sessions.get('b1')).toBeDefined();
    });

    it('purges the sessions expired by a time, also those of a deleted user row', async () => {
      const { store, db } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      await store.sessions.create(session('old', alice.id, 1000));
      await store.sessions.create(session('edge', alice.id, 2000));
      await store.sessions.create(session('live', alice.id, 3000));
      expect(await store.sessions.purgeExpired(new Date(2000))).toBe(2);
      expect(await store.sessions.get('old')).toBeUndefined();
      expect(await store.sessions.get('edge')).toBeUndefined();
      expect(await store.sessions.get('live')).toBeDefined();
      // Removing the user's row (users are normally soft-deleted) removes its sessions with it.
      await db.deleteFrom('users').where('id', '=', alice.id).execute();
      expect(await store.sessions.get('live')).toBeUndefined();
    });

    it('rolls a session back with the transaction that created it', async () => {
      const { store } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      await expect(
        store.transaction(async (tx) => {
          await tx.sessions.create(session('tx', alice.id, 5000));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.sessions.get('tx')).toBeUndefined();
    });
  });
}
