import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { KyselyRepositoryRecords } from '../repository-records.js';
import { InCodeMigrationProvider, MIGRATION_NAMES, migrationsFrom } from '../migrations/in-code-migration-provider.js';
import { migrateToLatest } from '../migrations/migrate.js';
import { describeAuthRecords } from './auth-records.suite.js';
import type { FreshIdentityStore, IdentityStoreFixture } from './identity-store-fixture.suite.js';
import { storeOver } from '../index.js';
import { describeMemberRecords } from './member-records.suite.js';
import { describeProjectRecords } from './project-records.suite.js';
import { describeRobotRecords } from './robot-records.suite.js';
import { describeSessionRecords } from './session-records.suite.js';
import { describeQuotaRecords } from '../quota-records.suite.js';
import { describeUserGroupRecords } from './user-group-records.suite.js';
import { describeUserRecords } from './user-records.suite.js';
export type { IdentityStoreFixture } from './identity-store-fixture.suite.js';

/**
 * The contract every Store implementation passes. `make` returns a connection to a fresh, empty,
 * not yet migrated database.
 */
export function describeIdentityStore(label: string, make: () => Promise<IdentityStoreFixture>): void {
  describe(label, () => {
    const open: IdentityStoreFixture[] = [];
    async function unmigrated(): Promise<IdentityStoreFixture> {
      const fixture = await make();
      open.push(fixture);
      return fixture;
    }
    async function fresh(): Promise<FreshIdentityStore> {
      const { db, dialect } = await unmigrated();
      await migrateToLatest(db, dialect);
      return { store: storeOver(db, dialect), db };
    }
    afterEach(async () => {
      for (const fixture of open.splice(0)) await fixture.dispose();
    });

    describe('migration', () => {
      it('applies the initial, identity and sessions schemas to an empty database, and nothing once migrated', async () => {
        const { db, dialect } = await unmigrated();
        expect(await migrateToLatest(db, dialect)).toEqual(MIGRATION_NAMES);
        expect(await migrateToLatest(db, dialect)).toEqual([]);
      });

      it('moves repositories created before it into projects named by their first path segment', async () => {
        const { db, dialect } = await unmigrated();
        const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(dialect) });
        const initial = await migrator.migrateTo('0001-initial-schema');
        expect(initial.error).toBeUndefined();
        const names = ['team-a/app', 'library/alpine', 'team-a/sub/tool', 'solo', 'b.team/x', 'team-a/zz'];
        // Repositories as the initial schema's records created them (no projects yet).
        for (const [i, name] of names.entries()) {
          await db
            .insertInto('repositories')
            .values({ name, created_at: 1_000 + i })
            .execute();
        }
        const repositories = new KyselyRepositoryRecords(db);

        expect(await migrateToLatest(db, dialect)).toEqual(migrationsFrom('0002-identity'));
        const store = storeOver(db, dialect);
        const { items, total } = await store.projects.list({ page: 1, pageSize: 10 });
        expect(total).toBe(4);
        expect(items.map((p) => [p.name, p.public])).toEqual([
          ['b.team', false],
          ['library', true],
          ['solo', false],
          ['team-a', false],
        ]);
        const teamA = items.find((p) => p.name === 'team-a');
        expect(teamA?.createdAt).toEqual(new Date(1_000));
        expect(teamA?.ownerId).toBeNull();
        const rows = await db.selectFrom('repositories').select(['name', 'project_id']).orderBy('name').execute();
        const idOf = new Map(items.map((p) => [p.name, p.id]));
        expect(rows).toEqual(
          [...names].sort().map((name) => ({ name, project_id: idOf.get(name.split('/')[0] ?? '') })),
        );
        expect(await store.repositories.count([teamA?.id ?? 0])).toBe(3);
        // A repository created afterwards joins its project.
        await repositories.ensure('team-a/later', teamA?.id ?? 0);
        expect(await store.repositories.count([teamA?.id ?? 0])).toBe(4);
      });

      it('migrates down to the initial schema and up again', async () => {
        const { db, dialect } = await unmigrated();
        await migrateToLatest(db, dialect);
        const created = await storeOver(db, dialect).projects.create({ name: 'team', public: false });
        await new KyselyRepositoryRecords(db).ensure('team/app', created.id);
        const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(dialect) });
        const down = await migrator.migrateTo('0001-initial-schema');
        expect(down.error).toBeUndefined();
        expect(down.results?.map((r) => r.migrationName)).toEqual(migrationsFrom('0002-identity').reverse());
        const tables = await db.introspection.getTables();
        expect(tables.map((t) => t.name).sort()).toEqual([
          'blobs',
          'manifest_references',
          'manifests',
          'repositories',
          'repository_blobs',
          'tags',
          'uploads',
        ]);
        const columns = tables.find((t) => t.name === 'repositories')?.columns.map((c) => c.name);
        expect(columns?.sort()).toEqual(['created_at', 'id', 'name']);
        expect(await migrateToLatest(db, dialect)).toEqual(migrationsFrom('0002-identity'));
        const team = await storeOver(db, dialect).projects.getByName('team');
        expect(await storeOver(db, dialect).repositories.count([team?.id ?? 0])).toBe(1);
      });

      it("0006 binds the robots' permission blocks to the projects they name (0 for none), and unbinds going down", async () => {
        const { db, dialect } = await unmigrated();
        const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(dialect) });
        expect((await migrator.migrateTo('0005-artifact-list-index')).error).toBeUndefined();
        // A plain insert: the store's projects.create also writes the project's quota row (migration 0010).
        await sql`insert into projects (name, owner_id, public, created_at, updated_at)
                  values ('team', null, 0, 1, 1)`.execute(db);
        const team = (await db.selectFrom('projects').select('id').where('name', '=', 'team').executeTakeFirst())!;
        const blocks = [
          { kind: 'project', namespace: 'team', access: [{ resource: 'repository', action: 'pull' }] },
          { kind: 'project', namespace: 'gone', access: [{ resource: 'repository', action: 'pull' }] },
          { kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'pull' }] },
          { kind: 'system', namespace: '/', access: [{ resource: 'project', action: 'list' }] },
        ];
        await sql`insert into robots (name, description, level, project_id, permissions, secret_hash, disabled,
                  created_at, updated_at) values ('robot$ops', '', 'system', null, ${JSON.stringify(blocks)}, 'h', 0,
                  1, 1)`.execute(db);
        expect(await migrateToLatest(db, dialect)).toEqual(migrationsFrom('0006-robot-project-binding'));
        const robot = await storeOver(db, dialect).robots.getByName('robot$ops');
        expect(robot?.permissions).toEqual([
          { ...blocks[0], projectId: team.id },
          { ...blocks[1], projectId: 0 },
          blocks[2],
          blocks[3],
        ]);
        expect((await migrator.migrateTo('0005-artifact-list-index')).error).toBeUndefined();
        expect((await storeOver(db, dialect).robots.getByName('robot$ops'))?.permissions).toEqual(blocks);
      });

      it('creates the public library project and seeds the default settings', async () => {
        const { store } = await fresh();
        const library = await store.projects.getByName('library');
        expect(library).toMatchObject({ name: 'library', public: true, ownerId: null, metadata: {} });
        expect((await store.projects.list({ page: 1, pageSize: 10 })).total).toBe(1);
        expect(await store.settings.get()).toEqual({
          selfRegistration: false,
          projectCreationRestriction: 'everyone',
          tokenExpiration: 30,
          readOnly: false,
          authMode: 'db_auth',
          storagePerProject: -1,
          auditLogForwardEndpoint: '',
          skipAuditLogDatabase: false,
          disabledAuditLogEventTypes: '',
        });
        expect((await store.users.list({ page: 1, pageSize: 10 })).total).toBe(0);
      });
    });

    describeUserRecords(fresh);
    describeProjectRecords(fresh);
    describeMemberRecords(fresh);
    describeUserGroupRecords(fresh);
    describeRobotRecords(fresh);
    describeAuthRecords(fresh);
    describeSessionRecords(fresh);
    describeQuotaRecords(fresh, unmigrated);

    describe('transaction', () => {
      it('commits the work of several aggregates and returns its result', async () => {
        const { store } = await fresh();
        const projectId = await store.transaction(async (tx) => {
          const user = await tx.users.create({ username: 'owner' });
          const project = await tx.projects.create({ name: 'team', public: false, ownerId: user.id });
          await tx.members.add({ projectId: project.id, entityType: 'u', entityId: user.id, roleId: 1 });
          return project.id;
        });
        const owner = await store.users.getByName('owner');
        expect(await store.members.rolesOf(owner?.id ?? 0)).toEqual([
          { projectId, projectName: 'team', roleId: 1, via: 'u' },
        ]);
      });

      it('rolls everything back when work throws, and rethrows', async () => {
        const { store } = await fresh();
        const failure = new Error('boom');
        await expect(
          store.transaction(async (tx) => {
            const user = await tx.users.create({ username: 'ghost' });
            const project = await tx.projects.create({ name: 'gone', public: true, metadata: { auto_scan: 'true' } });
            await tx.members.add({ projectId: project.id, entityType: 'u', entityId: user.id, roleId: 2 });
            await tx.settings.set({ readOnly: true });
            await tx.loginFailures.increment('user:ghost', new Date());
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await store.users.getByName('ghost')).toBeUndefined();
        expect(await store.projects.getByName('gone')).toBeUndefined();
        expect((await store.settings.get()).readOnly).toBe(false);
        expect(await store.loginFailures.get('user:ghost')).toBeUndefined();
      });
    });
  });
}
