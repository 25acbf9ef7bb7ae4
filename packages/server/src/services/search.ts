import type { Store } from '../ports/store.js';
import type { RepositoryMatch } from '../ports/metadata-store.js';
import type { SecurityContext } from './authenticator.js';
import type { ProjectService, ProjectView } from './projects.js';
import { projectScopeOf, scopeFilter, type ProjectScope } from './project-visibility.js';

/** At most this many projects and this many repositories per search (Harbor's search has no paging). */
export const SEARCH_LIMIT = 1000;

export interface SearchResult {
  readonly projects: readonly ProjectView[];
  readonly repositories: readonly RepositoryMatch[];
}

/**
 * Harbor's search: projects and repositories whose names contain the text, among the projects the caller sees
 * (projectScopeOf: public ones for everybody, plus the caller's own), so nothing private leaks to outsiders.
 */
export class SearchService {
  constructor(
    private readonly store: Store,
    private readonly projects: ProjectService,
  ) {}

  async search(ctx: SecurityContext, text: string): Promise<SearchResult> {
    const scope = await projectScopeOf(this.store, ctx);
    const [found, repositories] = await Promise.all([
      this.store.projects.list({ name: text, ...scopeFilter(scope), page: 1, pageSize: SEARCH_LIMIT }),
      this.repositoriesIn(scope, text),
    ]);
    const projects = await Promise.all(found.items.map((p) => this.projects.view(ctx, p, true)));
    return { projects, repositories };
  }

  /** Only the repositories of `search` (Docker's v1 search, `GET /v1/search`): the same matches, the same rule. */
  async repositories(ctx: SecurityContext, text: string): Promise<RepositoryMatch[]> {
    return this.repositoriesIn(await projectScopeOf(this.store, ctx), text);
  }

  private repositoriesIn(scope: ProjectScope, text: string): Promise<RepositoryMatch[]> {
    return this.store.repositories.search({
      name: text,
      ...(!scope.all && { visibleIn: { projectIds: scope.projectIds } }),
      limit: SEARCH_LIMIT,
    });
  }
}
