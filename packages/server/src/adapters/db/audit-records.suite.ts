import { describe, expect, it } from 'vitest';
import type { NewAuditRecord } from '../../ports/audit-records.js';
import type { FreshStore } from './metadata-store-fixture.suite.js';

const T0 = 1_700_000_000_000;

function record(n: number, extra: Partial<NewAuditRecord> = {}): NewAuditRecord {
  return {
    opTime: T0 + n * 1000,
    username: n % 2 ? 'alice' : 'bob',
    operatorKind: 'user',
    clientIp: '192.0.2.1',
    operation: n % 3 ? 'create' : 'pull',
    eventType: n % 3 ? 'create_artifact' : 'pull_artifact',
    description: `record ${n}`,
    resource: `p${n % 2}/app:v${n}`,
    resourceType: 'artifact',
    success: n !== 4,
    projectId: n % 2 ? 1 : 2,
    ...extra,
  };
}

/** The audit log's records (ports/audit-records.ts), on every backend. */
export function describeAuditRecords(fresh: FreshStore): void {
  describe('audit records', () => {
    it('appends, skipping repeated keys, and lists newest first with filters and paging', async () => {
      const store = await fresh();
      expect(await store.audit.append([1, 2, 3, 4, 5, 6].map((n) => record(n, { key: `k${n}` })))).toBe(6);
      expect(await store.audit.append([record(6, { key: 'k6' }), record(7)])).toBe(1);
      const all = await store.audit.list({ page: 1, pageSize: 50 });
      expect(all.total).toBe(7);
      expect(all.items.map((r) => r.description)).toEqual([7, 6, 5, 4, 3, 2, 1].map((n) => `record ${n}`));
      expect(all.items.find((r) => r.description === 'record 4')).toMatchObject({
        success: false,
        clientIp: '192.0.2.1',
      });

      const page = await store.audit.list({ page: 2, pageSize: 2, sort: [{ by: 'opTime', direction: 'asc' }] });
      expect(page.total).toBe(7);
      expect(page.items.map((r) => r.description)).toEqual(['record 3', 'record 4']);

      const filtered = await store.audit.list({
        username: { anyOf: ['alice'] },
        resource: { contains: 'P1/APP' },
        operation: { anyOf: ['create'] },
        from: T0 + 2000,
        to: T0 + 6000,
        page: 1,
        pageSize: 10,
      });
      expect(filtered.items.map((r) => r.description)).toEqual(['record 5']);
      expect((await store.audit.list({ projectIds: [], page: 1, pageSize: 10 })).total).toBe(0);
      expect((await store.audit.list({ projectIds: [2], page: 1, pageSize: 10 })).total).toBe(3);
      expect((await store.audit.list({ resourceTypes: ['tag'], page: 1, pageSize: 10 })).total).toBe(0);
      // LIKE wildcards in a substring are literal.
      expect((await store.audit.list({ resource: { contains: '%' }, page: 1, pageSize: 10 })).total).toBe(0);
    });

    it('purges by age and event type, or only counts in a dry run', async () => {
      const store = await fresh();
      await store.audit.append([1, 2, 3, 4, 5, 6].map((n) => record(n)));
      expect(await store.audit.purge(T0 + 4500, ['create_artifact'], true)).toBe(3);
      expect((await store.audit.list({ page: 1, pageSize: 10 })).total).toBe(6);
      expect(await store.audit.purge(T0 + 4500, ['create_artifact'], false)).toBe(3);
      expect(await store.audit.purge(T0 + 4500, [], false)).toBe(0);
      const left = await store.audit.list({ page: 1, pageSize: 10 });
      expect(left.items.map((r) => r.description)).toEqual(['record 6', 'record 5', 'record 3']);
    });
  });
}
