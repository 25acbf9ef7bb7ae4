import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { IdentityStoreFixture } from './identity/identity-store-fixture.suite.js';
import { KyselyManifestRecords } from './manifest-records.js';
import { digestOf } from './metadata-store-fixture.suite.js';
import { InCodeMigrationProvider, migrationsFrom } from './migrations/in-code-migration-provider.js';
import { migrateToLatest } from './migrations/migrate.js';
import { KyselyRepositoryRecords } from './repository-records.js';
import { KyselyTagRecords } from './tag-records.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

/** Migration 0003-artifact-activity over data written before it. `make` opens a fresh, unmigrated database. */
export function describeArtifactActivityMigration(label: string, make: () => Promise<IdentityStoreFixture>): void {
  describe(label, () => {
    const open: IdentityStoreFixture[] = [];
    afterEach(async () => {
      for (const fixture of open.splice(0)) await fixture.dispose();
    });

    /** A database at 0002-identity holding an image (tags v1, latest), an artifact and an index (tag multi). */
    async function legacy() {
      const fixture = await make();
      open.push(fixture);
      const { db, dialect } = fixture;
      const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(dialect) });
      expect((await migrator.migrateTo('0002-identity')).error).toBeUndefined();
      await sql`insert into repositories (name, created_at) values ('old/app', 1000)`.execute(db);
      const { rows } = await sql<{ id: number }>`select id from repositories where name = 'old/app'`.execute(db);
      const repositoryId = rows[0]!.id;
      const manifests: [string, string, string | null][] = [
        ['image', OCI_MANIFEST, OCI_CONFIG],
        ['artifact', OCI_MANIFEST, 'application/x-sbom'],
        ['index', OCI_INDEX, null],
      ];
      for (const [seed, mediaType, artifactType] of manifests) {
        await sql`insert into manifests (repository_id, digest, media_type, size, artifact_type, created_at)
                  values (${repositoryId}, ${digestOf(seed)}, ${mediaType}, 10, ${artifactType}, 2000)`.execute(db);
      }
      for (const [tag, seed] of [
        ['v1', 'image'],
        ['latest', 'image'],
        ['multi', 'index'],
      ] as const) {
        await sql`insert into tags (repository_id, name, manifest_id, updated_at)
                  select ${repositoryId}, ${tag}, id, 3000 from manifests where digest = ${digestOf(seed)}`.execute(db);
      }
      return { db, dialect, migrator, repositoryId };
    }

    it('records the artifact media type of earlier manifests and numbers their tags', async () => {
      const { db, dialect, repositoryId } = await legacy();
      expect(await migrateToLatest(db, dialect)).toEqual(migrationsFrom('0003-artifact-activity'));
      const manifests = new KyselyManifestRecords(db);
      const mediaTypeOf = async (seed: string) =>
        (await manifests.get(repositoryId, digestOf(seed)))?.artifactMediaType;
      expect(await mediaTypeOf('image')).toBe(OCI_CONFIG);
      expect(await mediaTypeOf('artifact')).toBe('application/x-sbom');
      expect(await mediaTypeOf('index')).toBe(OCI_INDEX);
      const tags = new KyselyTagRecords(db);
      const ids = [];
      for (const name of ['v1', 'latest', 'multi']) {
        const tag = await tags.get(repositoryId, name);
        expect(tag).toMatchObject({ name, updatedAt: new Date(3000), pulledAt: undefined });
        ids.push(tag?.id);
      }
      expect(new Set(ids).size).toBe(3);
      expect(ids.every((id) => Number.isInteger(id))).toBe(true);
      expect((await manifests.resolve('old/app', { tag: 'multi' }))?.digest).toBe(digestOf('index'));
      // Tags still upsert on (repository, name) and new ones get fresh ids.
      const image = (await manifests.get(repositoryId, digestOf('image')))!;
      await tags.put(repositoryId, 'multi', image.id);
      expect((await tags.get(repositoryId, 'multi'))?.id).toBe(ids[2]);
      expect(await tags.create(repositoryId, 'v1', image.id)).toBe(false);
      expect(await tags.create(repositoryId, 'new', image.id)).toBe(true);
      expect(ids).not.toContain((await tags.get(repositoryId, 'new'))?.id);
      expect(await new KyselyRepositoryRecords(db).view('old/app')).toMatchObject({
        description: '',
        pullCount: 0,
        artifactCount: 3,
      });
    });

    it('migrates down to 0002-identity keeping the tags (the later ones first, then 0003), and up again', async () => {
      const { db, migrator, repositoryId } = await legacy();
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const sessionsDown = await migrator.migrateTo('0003-artifact-activity');
      expect(sessionsDown.error).toBeUndefined();
      expect(sessionsDown.results?.map((r) => [r.migrationName, r.status])).toEqual(
        migrationsFrom('0004-sessions')
          .reverse()
          .map((name) => [name, 'Success']),
      );
      const down = await migrator.migrateTo('0002-identity');
      expect(down.error).toBeUndefined();
      expect(down.results?.map((r) => [r.migrationName, r.status])).toEqual([['0003-artifact-activity', 'Success']]);
      const tables = await db.introspection.getTables();
      const columns = (table: string) =>
        tables
          .find((t) => t.name === table)
          ?.columns.map((c) => c.name)
          .sort();
      expect(columns('tags')).toEqual(['manifest_id', 'name', 'repository_id', 'updated_at']);
      expect(columns('repositories')).toEqual(['created_at', 'id', 'name', 'project_id']);
      const { rows } = await sql<{
        n: number | string;
      }>`select count(*) as n from tags where repository_id = ${repositoryId}`.execute(db);
      expect(Number(rows[0]?.n)).toBe(3);
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      expect((await new KyselyManifestRecords(db).resolve('old/app', { tag: 'v1' }))?.digest).toBe(digestOf('image'));
    });
  });
}
