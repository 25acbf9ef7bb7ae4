import { sql } from 'kysely';
import type { Kysely, Selectable, SqlBool } from 'kysely';
import { accessoryTypeOf } from '../../domain/accessory-type.js';
import { artifactTypeOf } from '../../domain/artifact-type.js';
import type {
  AccessoryQuery,
  AccessorySortBy,
  ArtifactQuery,
  ArtifactSortBy,
  ManifestLocator,
  ManifestRecord,
  ManifestRecords,
  ManifestReference,
  NewManifest,
  PagedResult,
} from '../../ports/metadata-store.js';
import { batches } from './batches.js';
import { countOf, pageBounds } from './identity/query-helpers.js';
import { preparedQuery } from './prepared-query.js';
import type { Database, ManifestsTable } from './database.js';
import { LISTED_ARTIFACT, orderItems, valueMatches, valueMatchesText } from './view-sql.js';

function toRecord(row: Selectable<ManifestsTable>): ManifestRecord {
  return {
    id: row.id,
    repositoryId: row.repository_id,
    digest: row.digest,
    mediaType: row.media_type,
    size: row.size,
    artifactType: row.artifact_type ?? undefined,
    subject: row.subject ?? undefined,
    annotations: row.annotations === null ? undefined : (JSON.parse(row.annotations) as Record<string, string>),
    artifactMediaType: row.artifact_media_type ?? undefined,
    createdAt: new Date(row.created_at),
    pulledAt: row.pulled_at === null ? undefined : new Date(row.pulled_at),
  };
}

const ARTIFACT_SORT_COLUMNS = {
  id: sql`m.id`,
  pushTime: sql`m.created_at`,
  pullTime: sql`coalesce(m.pulled_at, 0)`,
  digest: sql`m.digest`,
} satisfies Record<ArtifactSortBy, unknown>;

const ACCESSORY_SORT_COLUMNS = {
  id: sql`m.id`,
  creationTime: sql`m.created_at`,
  digest: sql`m.digest`,
} satisfies Record<AccessorySortBy, unknown>;

/** One entry per digest (the primary key of manifest_references); the first kind given wins. */
function distinctReferences(references: readonly ManifestReference[]): ManifestReference[] {
  const byDigest = new Map<string, ManifestReference>();
  for (const reference of references) if (!byDigest.has(reference.digest)) byDigest.set(reference.digest, reference);
  return [...byDigest.values()];
}

export class KyselyManifestRecords implements ManifestRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async get(repositoryId: number, digest: string): Promise<ManifestRecord | undefined> {
    const row = await this.db
      .selectFrom('manifests')
      .selectAll()
      .where('repository_id', '=', repositoryId)
      .where('digest', '=', digest)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async resolve(repositoryName: string, locator: ManifestLocator): Promise<ManifestRecord | undefined> {
    const row =
      'tag' in locator
        ? await (this.byTag ??= this.prepareByTag())(this.db, repositoryName, locator.tag)
        : await (this.byDigest ??= this.prepareByDigest())(this.db, repositoryName, locator.digest);
    return row && toRecord(row);
  }

  private byTag?: ReturnType<KyselyManifestRecords['prepareByTag']>;
  private byDigest?: ReturnType<KyselyManifestRecords['prepareByDigest']>;

  private prepareByTag() {
    return preparedQuery(2, (repositoryName: string, tag: string) =>
      this.db
        .selectFrom('tags')
        .innerJoin('repositories', 'repositories.id', 'tags.repository_id')
        .innerJoin('manifests', 'manifests.id', 'tags.manifest_id')
        .selectAll('manifests')
        .where('repositories.name', '=', repositoryName)
        .where('tags.name', '=', tag),
    );
  }

  private prepareByDigest() {
    return preparedQuery(2, (repositoryName: string, digest: string) =>
      this.db
        .selectFrom('manifests')
        .innerJoin('repositories', 'repositories.id', 'manifests.repository_id')
        .selectAll('manifests')
        .where('repositories.name', '=', repositoryName)
        .where('manifests.digest', '=', digest),
    );
  }

  async put(manifest: NewManifest, references: readonly ManifestReference[]): Promise<ManifestRecord> {
    return this.inTransaction((records) => records.insert(manifest, references));
  }

  async delete(repositoryId: number, digest: string): Promise<boolean> {
    return this.inTransaction(async (records) => {
      const row = await records.db
        .selectFrom('manifests')
        .select('id')
        .where('repository_id', '=', repositoryId)
        .where('digest', '=', digest)
        .executeTakeFirst();
      if (!row) return false;
      await records.db.deleteFrom('tags').where('manifest_id', '=', row.id).execute();
      await records.db.deleteFrom('manifest_references').where('manifest_id', '=', row.id).execute();
      const result = await records.db.deleteFrom('manifests').where('id', '=', row.id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  async existingOf(repositoryId: number, digests: readonly string[]): Promise<Set<string>> {
    const existing = new Set<string>();
    for (const batch of batches([...new Set(digests)])) {
      const rows = await this.db
        .selectFrom('manifests')
        .select('digest')
        .where('repository_id', '=', repositoryId)
        .where('digest', 'in', batch)
        .execute();
      for (const row of rows) existing.add(row.digest);
    }
    return existing;
  }

  async referrers(repositoryId: number, subject: string, artifactType?: string): Promise<ManifestRecord[]> {
    let query = this.db
      .selectFrom('manifests')
      .selectAll()
      .where('repository_id', '=', repositoryId)
      .where('subject', '=', subject);
    if (artifactType !== undefined) query = query.where('artifact_type', '=', artifactType);
    const rows = await query.orderBy('digest').execute();
    return rows.map(toRecord);
  }

  async references(manifestId: number): Promise<ManifestReference[]> {
    return this.db
      .selectFrom('manifest_references')
      .select(['digest', 'kind'])
      .where('manifest_id', '=', manifestId)
      .orderBy('digest')
      .execute();
  }

  async query(repositoryId: number, query: ArtifactQuery): Promise<PagedResult<ManifestRecord>> {
    let filtered = this.db
      .selectFrom('manifests as m')
      .where('m.repository_id', '=', repositoryId)
      .where(LISTED_ARTIFACT);
    const tagged = sql<SqlBool>`exists (select 1 from tags ft where ft.manifest_id = m.id)`;
    if (query.tagged !== undefined) filtered = filtered.where(query.tagged ? tagged : sql<SqlBool>`not ${tagged}`);
    const { tag, digest, mediaType, type } = query;
    if (tag) {
      filtered = filtered.where((eb) =>
        eb.exists(
          eb
            .selectFrom('tags as qt')
            .select('qt.id')
            .whereRef('qt.manifest_id', '=', 'm.id')
            .where((inner) => valueMatches(inner.ref('qt.name'), tag)),
        ),
      );
    }
    if (digest) filtered = filtered.where((eb) => valueMatches(eb.ref('m.digest'), digest));
    if (mediaType) filtered = filtered.where((eb) => valueMatches(eb.ref('m.artifact_media_type'), mediaType));
    if (type) {
      // The type derives from the media type: find the repository's media types of matching types.
      const mediaTypes = await this.db
        .selectFrom('manifests')
        .select('artifact_media_type')
        .distinct()
        .where('repository_id', '=', repositoryId)
        .execute();
      const matching = mediaTypes
        .map((row) => row.artifact_media_type)
        .filter((value): value is string => value !== null && valueMatchesText(artifactTypeOf(value), type));
      filtered = filtered.where((eb) => valueMatches(eb.ref('m.artifact_media_type'), { anyOf: matching }));
    }
    const total = countOf(await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const { offset, limit } = pageBounds(query);
    const order = orderItems(query.sort, [{ by: 'pushTime', direction: 'desc' }], ARTIFACT_SORT_COLUMNS, sql`m.id`);
    const rows = await filtered.selectAll('m').orderBy(order).limit(limit).offset(offset).execute();
    return { items: rows.map(toRecord), total };
  }

  async getMany(repositoryId: number, digests: readonly string[]): Promise<ManifestRecord[]> {
    const records: ManifestRecord[] = [];
    for (const batch of batches([...new Set(digests)])) {
      const rows = await this.db
        .selectFrom('manifests')
        .selectAll()
        .where('repository_id', '=', repositoryId)
        .where('digest', 'in', batch)
        .execute();
      records.push(...rows.map(toRecord));
    }
    return records;
  }

  async parents(repositoryId: number, digest: string): Promise<ManifestRecord[]> {
    const rows = await this.db
      .selectFrom('manifests')
      .innerJoin('manifest_references', 'manifest_references.manifest_id', 'manifests.id')
      .selectAll('manifests')
      .where('manifests.repository_id', '=', repositoryId)
      .where('manifest_references.digest', '=', digest)
      .where('manifest_references.kind', '=', 'manifest')
      .orderBy('manifests.id')
      .execute();
    return rows.map(toRecord);
  }

  async referrersOf(repositoryId: number, subjects: readonly string[]): Promise<ManifestRecord[]> {
    const records: ManifestRecord[] = [];
    for (const batch of batches([...new Set(subjects)])) {
      const rows = await this.db
        .selectFrom('manifests')
        .selectAll()
        .where('repository_id', '=', repositoryId)
        .where('subject', 'in', batch)
        .execute();
      records.push(...rows.map(toRecord));
    }
    return records.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  }

  async accessories(
    repositoryId: number,
    subject: string,
    query: AccessoryQuery,
  ): Promise<PagedResult<ManifestRecord>> {
    let filtered = this.db
      .selectFrom('manifests as m')
      .where('m.repository_id', '=', repositoryId)
      .where('m.subject', '=', subject);
    const { digest, type } = query;
    if (digest) filtered = filtered.where((eb) => valueMatches(eb.ref('m.digest'), digest));
    if (type) {
      // The type derives from the artifact type and media type: find the subject's pairs of matching types.
      const pairs = await this.db
        .selectFrom('manifests')
        .select(['artifact_type', 'artifact_media_type'])
        .distinct()
        .where('repository_id', '=', repositoryId)
        .where('subject', '=', subject)
        .execute();
      const matching = pairs.filter((p) =>
        valueMatchesText(accessoryTypeOf(p.artifact_type ?? undefined, p.artifact_media_type ?? undefined), type),
      );
      filtered = filtered.where((eb) =>
        matching.length === 0
          ? sql<SqlBool>`1 = 0`
          : eb.or(
              matching.map((p) =>
                eb.and([
                  sql<SqlBool>`coalesce(m.artifact_type, '') = ${p.artifact_type ?? ''}`,
                  sql<SqlBool>`coalesce(m.artifact_media_type, '') = ${p.artifact_media_type ?? ''}`,
                ]),
              ),
            ),
      );
    }
    const total = countOf(await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const { offset, limit } = pageBounds(query);
    const order = orderItems(
      query.sort,
      [{ by: 'creationTime', direction: 'desc' }],
      ACCESSORY_SORT_COLUMNS,
      sql`m.id`,
    );
    const rows = await filtered.selectAll('m').orderBy(order).limit(limit).offset(offset).execute();
    return { items: rows.map(toRecord), total };
  }

  /** Runs `work` in the surrounding transaction when bound to one, else in a new one. */
  private async inTransaction<T>(work: (records: KyselyManifestRecords) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    return this.db.transaction().execute((tx) => work(new KyselyManifestRecords(tx)));
  }

  private async insert(manifest: NewManifest, references: readonly ManifestReference[]): Promise<ManifestRecord> {
    const inserted = await this.db
      .insertInto('manifests')
      .values({
        repository_id: manifest.repositoryId,
        digest: manifest.digest,
        media_type: manifest.mediaType,
        size: manifest.size,
        artifact_type: manifest.artifactType ?? null,
        subject: manifest.subject ?? null,
        annotations: manifest.annotations === undefined ? null : JSON.stringify(manifest.annotations),
        artifact_media_type: manifest.artifactMediaType ?? null,
        created_at: manifest.at ?? Date.now(),
      })
      .onConflict((oc) => oc.columns(['repository_id', 'digest']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) {
      const existing = await this.get(manifest.repositoryId, manifest.digest);
      if (!existing) throw new Error(`manifest ${manifest.digest} vanished while being put`);
      return existing;
    }
    for (const batch of batches(distinctReferences(references))) {
      await this.db
        .insertInto('manifest_references')
        .values(
          batch.map((reference) => ({ manifest_id: inserted.id, digest: reference.digest, kind: reference.kind })),
        )
        .onConflict((oc) => oc.columns(['manifest_id', 'digest']).doNothing())
        .execute();
    }
    return toRecord(inserted);
  }
}
