import type { MetadataStore } from '../../ports/metadata-store.js';
import { KyselyMetadataStore } from './kysely-metadata-store.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';

export type MetadataStoreOptions =
  | { readonly driver: 'sqlite'; readonly path: string; readonly synchronous: 'normal' | 'full' }
  | {
      readonly driver: 'postgres';
      readonly url: string;
      readonly poolSize: number;
      /** Told about failures of idle pooled connections, which the pool replaces by itself. */
      readonly onIdleError?: (err: Error) => void;
    };

/** Opens the metadata store; call migrate() before use. */
export function createMetadataStore(opts: MetadataStoreOptions): MetadataStore {
  switch (opts.driver) {
    case 'sqlite':
      return new KyselyMetadataStore(openSqlite({ path: opts.path, synchronous: opts.synchronous }), 'sqlite');
    case 'postgres':
      return new KyselyMetadataStore(openPostgres(opts), 'postgres');
  }
}
