import type { Kysely } from 'kysely';
import type { MetadataRepositories, MetadataStore } from '../../ports/metadata-store.js';
import { KyselyBlobRecords } from './blob-records.js';
import type { Database, SqlDialect } from './database.js';
import { KyselyManifestRecords } from './manifest-records.js';
import { migrateToLatest } from './migrations/migrate.js';
import { KyselyPullRecords } from './pull-records.js';
import { KyselyRepositoryRecords } from './repository-records.js';
import { KyselyTagRecords } from './tag-records.js';
import { KyselyUploadRecords } from './upload-records.js';

/** The record objects of one aggregate each, all bound to the same Kysely instance or transaction. */
class KyselyMetadataRepositories implements MetadataRepositories {
  readonly repositories: KyselyRepositoryRecords;
  readonly blobs: KyselyBlobRecords;
  readonly manifests: KyselyManifestRecords;
  readonly tags: KyselyTagRecords;
  readonly uploads: KyselyUploadRecords;
  readonly pulls: KyselyPullRecords;

  constructor(db: Kysely<Database>) {
    this.repositories = new KyselyRepositoryRecords(db);
    this.blobs = new KyselyBlobRecords(db);
    this.manifests = new KyselyManifestRecords(db);
    this.tags = new KyselyTagRecords(db);
    this.uploads = new KyselyUploadRecords(db);
    this.pulls = new KyselyPullRecords(db);
  }
}

/**
 * The metadata store over Kysely, one implementation for SQLite and PostgreSQL. Owns `db`: close() destroys it.
 * Inside transaction(work), use only the records handed to `work` (on SQLite the store's own records would wait
 * for the single connection the transaction holds).
 */
export class KyselyMetadataStore extends KyselyMetadataRepositories implements MetadataStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {
    super(db);
  }

  async transaction<T>(work: (tx: MetadataRepositories) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((tx) => work(new KyselyMetadataRepositories(tx)));
  }

  async migrate(): Promise<string[]> {
    return migrateToLatest(this.db, this.dialect);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
