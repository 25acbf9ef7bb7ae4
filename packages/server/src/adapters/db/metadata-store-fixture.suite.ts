import { createHash } from 'node:crypto';
import type { Store } from '../../ports/store.js';

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
