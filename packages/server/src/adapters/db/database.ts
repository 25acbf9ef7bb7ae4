import type { Generated } from 'kysely';

/** The SQL dialects the metadata store runs on; migrations branch on this where the SQL must differ. */
export type SqlDialect = 'sqlite' | 'postgres';

/**
 * Table types of the metadata database. Timestamps are integer milliseconds since the epoch (bigint in
 * PostgreSQL, parsed back to numbers by the pool); sizes are bigint in PostgreSQL, likewise numbers here.
 */
export interface Database {
  repositories: RepositoriesTable;
  blobs: BlobsTable;
  repository_blobs: RepositoryBlobsTable;
  manifests: ManifestsTable;
  manifest_references: ManifestReferencesTable;
  tags: TagsTable;
  uploads: UploadsTable;
}

export interface RepositoriesTable {
  id: Generated<number>;
  name: string;
  created_at: number;
}

export interface BlobsTable {
  digest: string;
  size: number;
  created_at: number;
}

export interface RepositoryBlobsTable {
  repository_id: number;
  digest: string;
  created_at: number;
}

export interface ManifestsTable {
  id: Generated<number>;
  repository_id: number;
  digest: string;
  media_type: string;
  size: number;
  artifact_type: string | null;
  subject: string | null;
  /** JSON object of string values. */
  annotations: string | null;
  created_at: number;
}

export type ReferenceKind = 'blob' | 'manifest';

export interface ManifestReferencesTable {
  manifest_id: number;
  digest: string;
  kind: ReferenceKind;
}

export interface TagsTable {
  repository_id: number;
  name: string;
  manifest_id: number;
  updated_at: number;
}

export interface UploadsTable {
  id: string;
  repository: string;
  started_at: number;
  updated_at: number;
}
