import { createHash } from 'node:crypto';
import { projectNameOf } from '../../lib/reference.js';
import type { RepositoryRecord } from '../../ports/metadata-store.js';
import type { Store, StoreRecords } from '../../ports/store.js';

/** What a backend's test runner hands the shared metadata store suite. */
export interface MetadataStoreFixture {
  readonly store: Store;
  /** The identity store on the same database (repositories belong to its projects). */
  readonly identity: Store;
  /** Closes the store and removes its database. */
  dispose(): Promise<void>;
}

/** Opens a migrated store on a fresh database. */
export type FreshStore = () => Promise<Store>;

/** Opens a migrated store on a fresh database, with the identity store beside it. */
export type FreshStores = () => Promise<{ store: Store; identity: Store }>;

/** A digest-shaped string derived from `seed`. */
export function digestOf(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

/**
 * The repository `name`, created when absent in the project its first segment names, which is created too (private)
 * when absent, as the management API would: the suites exercise the records, not the core's project rule.
 */
export async function repositoryIn(records: StoreRecords, name: string): Promise<RepositoryRecord> {
  const projectName = projectNameOf(name);
  let project = await records.projects.getByName(projectName);
  if (!project) {
    // A concurrent caller may create it first.
    project = await records.projects.create({ name: projectName, public: false }).catch(async (error: unknown) => {
      const winner = await records.projects.getByName(projectName);
      if (!winner) throw error;
      return winner;
    });
  }
  return records.repositories.ensure(name, project.id);
}
