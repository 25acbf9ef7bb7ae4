import type { UnitOfWork } from '../events/unit-of-work.js';
import type { Store } from '../ports/store.js';
import { MemberService } from './members.js';
import { ProjectMetadataService } from './project-metadata.js';
import { ProjectService } from './projects.js';
import { SearchService } from './search.js';
import { StatisticsService } from './statistics.js';

/** The services behind Harbor's project, projectMetadata, member, search and statistic APIs. */
export interface ProjectServices {
  readonly projects: ProjectService;
  readonly metadata: ProjectMetadataService;
  readonly members: MemberService;
  readonly search: SearchService;
  readonly statistics: StatisticsService;
}

export function createProjectServices(store: Store, work: UnitOfWork): ProjectServices {
  const projects = new ProjectService(store, work);
  return {
    projects,
    metadata: new ProjectMetadataService(store, work),
    members: new MemberService(store, work),
    search: new SearchService(store, projects),
    statistics: new StatisticsService(store),
  };
}
