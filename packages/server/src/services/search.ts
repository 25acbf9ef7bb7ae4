import type { Store } from '../ports/store.js';
import type { RepositoryHit } from '../ports/metadata-store.js';
import type { SecurityContext } from './authenticator.js';
import type { ProjectService, ProjectView } from './projects.js';
import { projectScopeOf, scopeFilter, type ProjectScope } from './project-visibility.js';

/** At most this many projects and this many repositories per search (Harbor's search has no paging). */
export const SEARCH_LIMIT = 1000;

/** A repository found by search, with its project's name and visibility. */
export interface RepositoryMatch extends RepositoryHit {
  readonly projectName: string;
  readonly projectPublic: boolean;
}

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
    const counts = await this.store.repositories.countByProject(found.items.map((p) => p.id));
    const projects = await Promise.all(found.items.map((p) => this.projects.view(ctx, p, true, counts.get(p.id) ?? 0)));
    return { projects, repositories };
  }

  /** Only the repositories of `search` (Docker's v1 search, `GET /v1/search`): the same matches, the same rule. */
  async repositories(ctx: SecurityContext, text: string): Promise<RepositoryMatch[]> {
    return this.repositoriesIn(await projectScopeOf(this.store, ctx), text);
  }

  /** Repositories of the projects in scope whose names contain `text`, each with its project's name and visibility. */
  private async repositoriesIn(scope: ProjectScope, text: string): Promise<RepositoryMatch[]> {
    const projectIds = scope.all ? undefined : await this.store.projects.ids(scopeFilter(scope));
    const hits = await this.store.repositories.search({
      name: text,
      ...(projectIds && { projectIds }),
      limit: SEARCH_LIMIT,
    });
    const ids = [...new Set(hits.map((hit) => hit.projectId))];
    const { items } = await this.store.projects.list({ ids, page: 1, pageSize: Math.max(1, ids.length) });
    const projects = new Map(items.map((project) => [project.id, project]));
    return hits.flatMap((hit) => {
      const project = projects.get(hit.projectId);
      // A project deleted between the two reads takes its (then empty) repositories with it.
      return project ? [{ ...hit, projectName: project.name, projectPublic: project.public }] : [];
    });
  }
}
