import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import type { FreshIdentity } from './identity/identity-store-fixture.suite.js';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

/** Password reset links (ports/password-reset-records.ts), on every dialect. */
export function describePasswordResetRecords(fresh: FreshIdentity): void {
  describe('password resets', () => {
    it('consumes a link once, before it expires, answering its user', async () => {
      const { store } = await fresh();
      const user = await store.users.create({ username: 'alice' });
      await store.passwordResets.create({
        tokenHash: HASH_A,
        userId: user.id,
        createdAt: new Date(1000),
        expiresAt: new Date(5000),
      });
      await expect(
        store.passwordResets.create({
          tokenHash: HASH_A,
          userId: user.id,
          createdAt: new Date(1000),
          expiresAt: new Date(5000),
        }),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(
        store.passwordResets.create({
          tokenHash: HASH_B,
          userId: 9999,
          createdAt: new Date(1000),
          expiresAt: new Date(5000),
        }),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.passwordResets.consume(HASH_B, new Date(2000))).toBeUndefined();
      expect(await store.passwordResets.consume(HASH_A, new Date(5000))).toBeUndefined(); // expired at 5000
      expect(await store.passwordResets.consume(HASH_A, new Date(4999))).toBe(user.id);
      expect(await store.passwordResets.consume(HASH_A, new Date(4999))).toBeUndefined(); // once
    });

    it('of concurrent uses, exactly one wins', async () => {
      const { store } = await fresh();
      const user = await store.users.create({ username: 'bob' });
      await store.passwordResets.create({
        tokenHash: HASH_A,
        userId: user.id,
        createdAt: new Date(1000),
        expiresAt: new Date(5000),
      });
      const uses = await Promise.all(
        Array.from({ length: 8 }, () => store.passwordResets.consume(HASH_A, new Date(2000))),
      );
      expect(uses.filter((id) => id === user.id)).toHaveLength(1);
    });

    it("revokes a user's unused links, and purges expired ones", async () => {
      const { store } = await fresh();
      const carol = await store.users.create({ username: 'carol' });
      const dave = await store.users.create({ username: 'dave' });
      const link = (tokenHash: string, userId: number, expiresAt: number) =>
        store.passwordResets.create({ tokenHash, userId, createdAt: new Date(1000), expiresAt: new Date(expiresAt) });
      await link(HASH_A, carol.id, 5000);
      await link('c'.repeat(64), carol.id, 9000);
      await link(HASH_B, dave.id, 9000);
      expect(await store.passwordResets.revokeForUser(carol.id, new Date(2000))).toBe(2);
      expect(await store.passwordResets.revokeForUser(carol.id, new Date(2000))).toBe(0);
      expect(await store.passwordResets.consume(HASH_A, new Date(3000))).toBeUndefined();
      expect(await store.passwordResets.consume(HASH_B, new Date(3000))).toBe(dave.id);
      expect(await store.passwordResets.purgeExpired(new Date(6000))).toBe(1);
      expect(await store.passwordResets.purgeExpired(new Date(9001))).toBe(2);
    });
  });
}
