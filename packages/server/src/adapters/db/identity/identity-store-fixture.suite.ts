import type { Kysely } from 'kysely';
import type { Store } from '../../../ports/store.js';
import type { Database, SqlDialect } from '../database.js';

/** What a backend's test runner hands the shared identity store suite. */
export interface IdentityStoreFixture {
  /** An open connection (pool) to a fresh, empty, not yet migrated database. */
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialect;
  /** Closes `db` and removes its database. */
  dispose(): Promise<void>;
}

/** A store on a fresh database migrated to the identity schema, with the Kysely instance beneath it. */
export interface FreshIdentityStore {
  readonly store: Store;
  readonly db: Kysely<Database>;
}

export type FreshIdentity = () => Promise<FreshIdentityStore>;
