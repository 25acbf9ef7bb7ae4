import { NotFoundError } from '../domain/errors.js';
import { projectNameOf } from '../lib/reference.js';
import type { RepositoryRecord } from '../ports/metadata-store.js';
import type { StoreRecords } from '../ports/store.js';

/**
 * The repository `name`, created when absent in the project named by its first path segment: the core's rule that
 * every repository belongs to an existing project (projects are created through the management API). The project
 * is looked up only when the repository is new. NotFoundError('project') names the missing project.
 */
export async function ensureRepository(tx: StoreRecords, name: string): Promise<RepositoryRecord> {
  const existing = await tx.repositories.get(name);
  if (existing) return existing;
  const projectName = projectNameOf(name);
  const project = await tx.projects.getByName(projectName);
  if (!project) throw new NotFoundError('project', projectName, `project ${projectName} does not exist`);
  return tx.repositories.ensure(name, project.id);
}
