import type { PagedResult, PageQuery } from '../ports/identity/paging.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { TagHistoryEntry } from '../ports/tag-history-records.js';
import type { Registry } from '../registry-core/registry.js';
import { operatorOf, type SecurityContext } from '../services/authenticator.js';
import { projectFor, repositoryIn } from '../services/repository-scope.js';

export interface TagHistoryListQuery extends PageQuery {
  /** Only entries of this tag (`q=tag=…`). */
  readonly tag?: string | undefined;
}

export interface TagHistoryView {
  readonly entry: TagHistoryEntry;
  readonly repositoryName: string;
}

/**
 * A repository's tag history (`…/repositories/{r}/taghistory`): listed by whoever may pull from the repository,
 * restored by whoever may push to it (developers and up, robots granted push), through the registry core.
 */
export class TagHistoryService {
  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
    private readonly clock: Clock,
  ) {}

  async list(
    ctx: SecurityContext,
    projectName: string,
    repositoryName: string,
    query: TagHistoryListQuery,
  ): Promise<PagedResult<TagHistoryView>> {
    const project = await projectFor(this.store, ctx, projectName, 'repository', 'pull');
    const repository = await repositoryIn(this.store, project, repositoryName);
    const page = await this.store.tagHistory.query(repository.id, {
      page: query.page,
      pageSize: query.pageSize,
      now: this.clock.now(),
      ...(query.tag !== undefined ? { tag: query.tag } : {}),
    });
    return { total: page.total, items: page.items.map((entry) => ({ entry, repositoryName: repository.name })) };
  }

  async restore(
    ctx: SecurityContext,
    projectName: string,
    repositoryName: string,
    id: number,
  ): Promise<TagHistoryView> {
    const project = await projectFor(this.store, ctx, projectName, 'repository', 'push');
    const repository = await repositoryIn(this.store, project, repositoryName);
    const entry = await this.registry.history.restore(repository, id, { by: operatorOf(ctx) });
    return { entry, repositoryName: repository.name };
  }
}
