import type { FastifyInstance } from 'fastify';
import type { SearchService } from '../../services/search.js';
import type { StatisticsService } from '../../services/statistics.js';
import { HarborError } from '../error-handler.js';
import { toProject } from './project-routes.js';
import { securityOf } from './security.js';

/** /search and /statistics: Harbor's swagger tags `search` and `statistic`. */
export function registerSearchRoutes(api: FastifyInstance, search: SearchService, statistics: StatisticsService): void {
  api.get('/search', async (req) => {
    const q = (req.query as { q?: string }).q;
    if (q === undefined) throw new HarborError('BAD_REQUEST', 'q is required');
    const { projects, repositories } = await search.search(securityOf(req), q);
    return {
      project: projects.map(toProject),
      repository: repositories.map((r) => ({
        project_id: r.projectId,
        project_name: r.projectName,
        project_public: r.projectPublic,
        repository_name: r.name,
        pull_count: r.pullCount,
        artifact_count: r.artifactCount,
      })),
    };
  });

  api.get('/statistics', async (req) => {
    const s = await statistics.get(securityOf(req));
    return {
      private_project_count: s.privateProjects,
      private_repo_count: s.privateRepositories,
      public_project_count: s.publicProjects,
      public_repo_count: s.publicRepositories,
      total_project_count: s.totalProjects,
      total_repo_count: s.totalRepositories,
      total_storage_consumption: s.totalStorageBytes,
    };
  });
}
