import { NotFoundError } from '../domain/errors.js';
import type { ManifestRecord } from '../ports/metadata-store.js';
import type { Store } from '../ports/store.js';
import { requireDigest, requireName } from './references.js';

export interface ListPage {
  readonly items: string[];
  /** The `last` value for the next page, when there may be more. */
  readonly next?: string | undefined;
}

/** Tag lists, the catalog and referrers: read-only views over the metadata. */
export class ListingService {
  constructor(private readonly store: Store) {}

  async tags(name: string, limit: number, last?: string): Promise<ListPage> {
    requireName(name);
    const repo = await this.store.repositories.get(name);
    if (!repo) throw new NotFoundError('repository', name, `repository ${name} not known to registry`);
    return page(await this.store.tags.list(repo.id, { last, limit: limit + 1 }), limit);
  }

  /** Repository names in byte order; only those of `projectIds` when given (the caller's readable projects). */
  async catalog(limit: number, last?: string, projectIds?: readonly number[]): Promise<ListPage> {
    return page(await this.store.repositories.list({ last, limit: limit + 1 }, projectIds), limit);
  }

  /** Manifests whose subject is `digest`, whether or not the subject itself has been pushed. */
  async referrers(name: string, digest: string, artifactType?: string): Promise<ManifestRecord[]> {
    requireName(name);
    requireDigest(digest);
    const repo = await this.store.repositories.get(name);
    return repo ? this.store.manifests.referrers(repo.id, digest, artifactType) : [];
  }
}

/** Cuts one look-ahead row off a `limit + 1` query: its presence says another page exists. */
function page(rows: string[], limit: number): ListPage {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, next: items[items.length - 1] };
}
