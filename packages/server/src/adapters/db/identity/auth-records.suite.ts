import { describe, expect, it } from 'vitest';
import type { NewAuthEvent } from '../../../ports/identity-store.js';
import type { FreshIdentity } from './identity-store-fixture.suite.js';

function event(at: number, principal: string, outcome: 'success' | 'failure' = 'success'): NewAuthEvent {
  return {
    at: new Date(at),
    principal,
    principalKind: principal.startsWith('robot$') ? 'robot' : 'user',
    clientIp: '192.0.2.1',
    method: 'basic',
    outcome,
    reason: outcome === 'failure' ? 'bad password' : null,
  };
}

export function describeAuthRecords(fresh: FreshIdentity): void {
  describe('settings', () => {
    it('stores some settings and keeps the others', async () => {
      const { store, db } = await fresh();
      const updated = await store.settings.set({ readOnly: true, tokenExpiration: 90 });
      expect(updated).toEqual({
        selfRegistration: false,
        projectCreationRestriction: 'everyone',
        tokenExpiration: 90,
        readOnly: true,
        authMode: 'db_auth',
        storagePerProject: -1,
        auditLogForwardEndpoint: '',
        skipAuditLogDatabase: false,
        disabledAuditLogEventTypes: '',
      });
      await store.settings.set({ projectCreationRestriction: 'adminonly', readOnly: false });
      expect(await store.settings.get()).toMatchObject({
        projectCreationRestriction: 'adminonly',
        readOnly: false,
        tokenExpiration: 90,
      });
      const stored = await db.selectFrom('settings').select(['name', 'value']).orderBy('name').execute();
      expect(stored).toContainEqual({ name: 'token_expiration', value: '90' });
      expect(stored).toContainEqual({ name: 'project_creation_restriction', value: '"adminonly"' });
    });

    it('reads a missing or unreadable stored value as its default', async () => {
      const { store, db } = await fresh();
      await db.updateTable('settings').set({ value: '"yes"' }).where('name', '=', 'read_only').execute();
      await db.updateTable('settings').set({ value: '{not json' }).where('name', '=', 'token_expiration').execute();
      await db.deleteFrom('settings').where('name', '=', 'self_registration').execute();
      expect(await store.settings.get()).toMatchObject({
        readOnly: false,
        tokenExpiration: 30,
        selfRegistration: false,
      });
      expect(await store.settings.set({ selfRegistration: true })).toMatchObject({ selfRegistration: true });
    });
  });

  describe('auth events', () => {
    it('records decisions and lists them newest first with filters, paging and totals', async () => {
      const { store } = await fresh();
      const recorded = await store.authEvents.record({
        ...event(1000, ''),
        principalKind: 'anonymous',
        clientIp: null,
      });
      expect(recorded).toMatchObject({ principal: '', principalKind: 'anonymous', clientIp: null, reason: null });
      expect(recorded.at).toEqual(new Date(1000));
      await store.authEvents.record(event(3000, 'alice', 'failure'));
      await store.authEvents.record(event(2000, 'robot$ops'));
      await store.authEvents.record({ ...event(3000, 'alice'), method: 'bearer' });
      const page1 = await store.authEvents.list({ page: 1, pageSize: 2 });
      expect(page1.total).toBe(4);
      expect(page1.items.map((e) => [e.at.getTime(), e.principal, e.outcome, e.method])).toEqual([
        [3000, 'alice', 'success', 'bearer'],
        [3000, 'alice', 'failure', 'basic'],
      ]);
      expect(page1.items[1]).toMatchObject({ principalKind: 'user', clientIp: '192.0.2.1', reason: 'bad password' });
      const page2 = await store.authEvents.list({ page: 2, pageSize: 2 });
      expect(page2.items.map((e) => e.principal)).toEqual(['robot$ops', '']);
      expect(page2.items[0]?.principalKind).toBe('robot');
      const failures = await store.authEvents.list({ principal: 'alice', outcome: 'failure', page: 1, pageSize: 10 });
      expect(failures).toMatchObject({ total: 1, items: [{ reason: 'bad password' }] });
    });

    it('records the channel and filters by it; an event without one reads as null', async () => {
      const { store } = await fresh();
      await store.authEvents.record(event(1000, 'alice'));
      await store.authEvents.record({ ...event(2000, 'alice'), channel: 'registry' });
      await store.authEvents.record({ ...event(3000, 'alice'), method: 'session', channel: 'session' });
      const all = await store.authEvents.list({ page: 1, pageSize: 10 });
      expect(all.items.map((e) => [e.method, e.channel])).toEqual([
        ['session', 'session'],
        ['basic', 'registry'],
        ['basic', null],
      ]);
      const registry = await store.authEvents.list({ channel: 'registry', page: 1, pageSize: 10 });
      expect(registry).toMatchObject({ total: 1, items: [{ channel: 'registry', at: new Date(2000) }] });
    });

    it('purges events older than a time', async () => {
      const { store } = await fresh();
      for (const at of [1000, 2000, 3000]) await store.authEvents.record(event(at, 'alice'));
      expect(await store.authEvents.purgeBefore(new Date(2500))).toBe(2);
      expect((await store.authEvents.list({ page: 1, pageSize: 10 })).items.map((e) => e.at.getTime())).toEqual([3000]);
    });
  });

  describe('login failures', () => {
    it('counts failures per key with their last time, and resets', async () => {
      const { store } = await fresh();
      expect(await store.loginFailures.get('user:alice')).toBeUndefined();
      expect(await store.loginFailures.increment('user:alice', new Date(1000))).toEqual({
        key: 'user:alice',
        failures: 1,
        lastFailureAt: new Date(1000),
        lockedUntil: null,
      });
      expect(await store.loginFailures.increment('user:alice', new Date(2000))).toMatchObject({
        failures: 2,
        lastFailureAt: new Date(2000),
      });
      await store.loginFailures.increment('ip:192.0.2.1', new Date(2000));
      expect(await store.loginFailures.get('user:alice')).toMatchObject({ failures: 2 });
      expect(await store.loginFailures.reset('user:alice')).toBe(true);
      expect(await store.loginFailures.reset('user:alice')).toBe(false);
      expect(await store.loginFailures.get('user:alice')).toBeUndefined();
      expect(await store.loginFailures.get('ip:192.0.2.1')).toMatchObject({ failures: 1 });
    });

    it('restarts the count after the window and locks once the threshold is reached', async () => {
      const { store } = await fresh();
      const policy = { windowMs: 60_000, lockAfter: 3, lockMs: 300_000 };
      const at = (ms: number) => store.loginFailures.increment('user:bob', new Date(ms), policy);
      expect(await at(0)).toMatchObject({ failures: 1, lockedUntil: null });
      expect(await at(10_000)).toMatchObject({ failures: 2, lockedUntil: null });
      expect(await at(20_000)).toMatchObject({ failures: 3, lockedUntil: new Date(320_000) });
      expect(await at(30_000)).toMatchObject({ failures: 4, lockedUntil: new Date(330_000) });
      // A failure a full window after the previous one counts from 1 again; an earlier lock stays as it was.
      expect(await at(90_000)).toMatchObject({
        failures: 1,
        lastFailureAt: new Date(90_000),
        lockedUntil: new Date(330_000),
      });
      expect(await store.loginFailures.increment('user:eve', new Date(5), { lockAfter: 1, lockMs: 10 })).toMatchObject({
        failures: 1,
        lockedUntil: new Date(15),
      });
    });

    it('doubles the lock with every failure past the threshold, up to the cap', async () => {
      const { store } = await fresh();
      const policy = { windowMs: 600_000, lockAfter: 3, lockMs: 1000, maxLockMs: 5000 };
      const locks: (number | null)[] = [];
      for (let i = 0; i < 7; i++) {
        const at = 10_000 * (i + 1);
        const record = await store.loginFailures.increment('user:carol', new Date(at), policy);
        locks.push(record.lockedUntil === null ? null : record.lockedUntil.getTime() - at);
      }
      expect(locks).toEqual([null, null, 1000, 2000, 4000, 5000, 5000]);
      // The first failure already locks when the threshold is 1, with the base lock.
      const first = await store.loginFailures.increment('user:dan', new Date(7), {
        lockAfter: 1,
        lockMs: 10,
        maxLockMs: 50,
      });
      expect(first.lockedUntil).toEqual(new Date(17));
      const second = await store.loginFailures.increment('user:dan', new Date(8), {
        lockAfter: 1,
        lockMs: 10,
        maxLockMs: 50,
      });
      expect(second.lockedUntil).toEqual(new Date(28));
    });

    it('grows the lock by the count of concurrent failures on the same key', async () => {
      const { store } = await fresh();
      const policy = { lockAfter: 1, lockMs: 1000, maxLockMs: 1_000_000 };
      const results = await Promise.all(
        Array.from({ length: 8 }, () => store.loginFailures.increment('ip:198.51.100.1', new Date(0), policy)),
      );
      const byCount = results.map((r) => [r.failures, r.lockedUntil?.getTime()]).sort((a, b) => a[0]! - b[0]!);
      expect(byCount).toEqual(Array.from({ length: 8 }, (_, i) => [i + 1, 1000 * 2 ** i]));
    });

    it('counts 20 concurrent failures of one key exactly', async () => {
      const { store } = await fresh();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.loginFailures.increment('user:raced', new Date(1000 + i))),
      );
      expect(results.map((r) => r.failures).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await store.loginFailures.get('user:raced')).toMatchObject({ failures: 20 });
    });

    it('reserves attempts until the threshold locks the key, then counts nothing while it is locked', async () => {
      const { store } = await fresh();
      const policy = { windowMs: 60_000, lockAfter: 2, lockMs: 1000, maxLockMs: 4000 };
      const reserve = (ms: number) => store.loginFailures.reserve('user:frank', new Date(ms), policy);
      expect(await reserve(0)).toMatchObject({ failures: 1, lockedUntil: null });
      expect(await reserve(10)).toMatchObject({ failures: 2, lockedUntil: new Date(1010) });
      expect(await reserve(20)).toBeUndefined();
      expect(await reserve(1009)).toBeUndefined();
      expect(await store.loginFailures.get('user:frank')).toMatchObject({ failures: 2, lastFailureAt: new Date(10) });
      // Once the lock ends, one more attempt is let through, and it locks twice as long.
      expect(await reserve(1010)).toMatchObject({ failures: 3, lockedUntil: new Date(3010) });
      expect(await reserve(1011)).toBeUndefined();
    });

    it('lets exactly the threshold through of 100 concurrent reservations of one key', async () => {
      const { store } = await fresh();
      const policy = { windowMs: 60_000, lockAfter: 3, lockMs: 1000, maxLockMs: 4000 };
      const results = await Promise.all(
        Array.from({ length: 100 }, () => store.loginFailures.reserve('user:raced', new Date(5000), policy)),
      );
      const admitted = results.filter((r) => r !== undefined);
      expect(admitted.map((r) => r.failures).sort((a, b) => a - b)).toEqual([1, 2, 3]);
      expect(await store.loginFailures.get('user:raced')).toMatchObject({ failures: 3, lockedUntil: new Date(6000) });
    });

    it('releases a reservation: one failure less, the lock lifted below the threshold', async () => {
      const { store } = await fresh();
      const policy = { windowMs: 60_000, lockAfter: 2, lockMs: 1000 };
      await store.loginFailures.reserve('ip:192.0.2.9', new Date(0), policy);
      await store.loginFailures.reserve('ip:192.0.2.9', new Date(1), policy);
      expect(await store.loginFailures.get('ip:192.0.2.9')).toMatchObject({ failures: 2, lockedUntil: new Date(1001) });
      await store.loginFailures.release('ip:192.0.2.9', policy);
      expect(await store.loginFailures.get('ip:192.0.2.9')).toMatchObject({ failures: 1, lockedUntil: null });
      expect(await store.loginFailures.reserve('ip:192.0.2.9', new Date(2), policy)).toMatchObject({ failures: 2 });
      // At or above the threshold after it, the lock stays; without a threshold the lock is not touched.
      await store.loginFailures.reserve('ip:192.0.2.9', new Date(2000), policy);
      await store.loginFailures.release('ip:192.0.2.9', policy);
      expect(await store.loginFailures.get('ip:192.0.2.9')).toMatchObject({ failures: 2, lockedUntil: new Date(3000) });
      await store.loginFailures.release('ip:192.0.2.9');
      expect(await store.loginFailures.get('ip:192.0.2.9')).toMatchObject({ failures: 1, lockedUntil: new Date(3000) });
      // Never below zero, and a missing key is no error.
      await store.loginFailures.release('ip:192.0.2.9');
      await store.loginFailures.release('ip:192.0.2.9');
      expect(await store.loginFailures.get('ip:192.0.2.9')).toMatchObject({ failures: 0 });
      await store.loginFailures.release('ip:unknown');
      expect(await store.loginFailures.get('ip:unknown')).toBeUndefined();
    });

    it('purges stale counters but keeps those still locked', async () => {
      const { store } = await fresh();
      await store.loginFailures.increment('stale', new Date(1000));
      await store.loginFailures.increment('locked', new Date(1000), { lockAfter: 1, lockMs: 1_000_000 });
      await store.loginFailures.increment('recent', new Date(9000));
      expect(await store.loginFailures.purgeBefore(new Date(5000))).toBe(1);
      expect(await store.loginFailures.get('stale')).toBeUndefined();
      expect(await store.loginFailures.get('locked')).toBeDefined();
      expect(await store.loginFailures.get('recent')).toBeDefined();
    });
  });
}
