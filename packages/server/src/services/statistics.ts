import { UnauthenticatedError } from '../domain/errors.js';
import type { ProjectFilter } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import type { SecurityContext } from './authenticator.js';
import { projectScopeOf } from './project-visibility.js';

export interface Statistics {
  readonly publicProjects: number;
  readonly publicRepositories: number;
  readonly privateProjects: number;
  readonly privateRepositories: number;
  /** Totals and storage only for callers who see every project; 0 for everyone else (as Harbor). */
  readonly totalProjects: number;
  readonly totalRepositories: number;
  readonly totalStorageBytes: number;
}

/**
 * Harbor's statistics, for signed-in callers only. Public projects and their repositories are counted for
 * everyone; private ones only as far as the caller sees them (projectScopeOf): all of them for system
 * administrators, the caller's own for others, so counts never reveal private projects the caller cannot see.
 */
export class StatisticsService {
  constructor(private readonly store: Store) {}

  async get(ctx: SecurityContext): Promise<Statistics> {
    if (ctx.kind === 'anonymous') throw new UnauthenticatedError('authentication required');
    const projects = this.store.projects;
    const scope = await projectScopeOf(this.store, ctx);
    const repositoriesIn = async (filter: ProjectFilter) => this.store.repositories.count(await projects.ids(filter));
    const [publicProjects, publicRepositories] = await Promise.all([
      projects.count({ public: true }),
      repositoriesIn({ public: true }),
    ]);
    if (scope.all) {
      const [totalProjects, totalRepositories, totalStorageBytes] = await Promise.all([
        projects.count({}),
        this.store.repositories.count(),
        this.store.blobs.totalSize(),
      ]);
      return {
        publicProjects,
        publicRepositories,
        privateProjects: totalProjects - publicProjects,
        privateRepositories: totalRepositories - publicRepositories,
        totalProjects,
        totalRepositories,
        totalStorageBytes,
      };
    }
    const own = { public: false, ids: scope.projectIds };
    const [privateProjects, privateRepositories] = await Promise.all([projects.count(own), repositoriesIn(own)]);
    return {
      publicProjects,
      publicRepositories,
      privateProjects,
      privateRepositories,
      totalProjects: 0,
      totalRepositories: 0,
      totalStorageBytes: 0,
    };
  }
}
