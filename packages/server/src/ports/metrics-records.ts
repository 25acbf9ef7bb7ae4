/** One project's figures for Harbor's exporter metrics (`harbor_project_*`, `harbor_artifact_pulled`). */
export interface ProjectFigures {
  readonly name: string;
  readonly public: boolean;
  readonly repositories: number;
  readonly members: number;
  /** Bytes used and the limit (-1 unlimited); null when the project has no quota row. */
  readonly quotaUsed: number | null;
  readonly quotaHard: number | null;
  /** Pulls of the project's repositories counted so far. */
  readonly pulls: number;
}

/**
 * What the metrics read from the database at scrape time: a few grouped queries, bounded by the number of projects
 * (Harbor's exporter labels by project too), never by repositories, artifacts or users.
 */
export interface MetricsRecords {
  projectFigures(): Promise<ProjectFigures[]>;
  /** Upload sessions started and neither finished nor cancelled nor purged. */
  openUploads(): Promise<number>;
}

/** Connections of a database pool (PostgreSQL). */
export interface PoolUse {
  readonly total: number;
  readonly idle: number;
  /** Queries waiting for a connection. */
  readonly waiting: number;
  readonly max: number;
}
