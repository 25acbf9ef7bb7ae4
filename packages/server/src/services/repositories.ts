import { InvalidError, NotFoundError } from '../domain/errors.js';
import { can } from '../domain/rbac/evaluator.js';
import type { ProjectQuery, ProjectRecord } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import type { PagedResult, RepositoryQuery, RepositoryView } from '../ports/metadata-store.js';
import type { Registry } from '../registry-core/registry.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import { operatorOf, subjectOf, type SecurityContext } from './authenticator.js';
import { projectRef } from './project-access.js';
import { fullRepositoryName, projectFor, repositoryIn } from './repository-scope.js';

export type RepositoryFilter = Omit<RepositoryQuery, 'projectIds'>;

export interface RepositoryChange {
  readonly description?: unknown;
}

const PROJECT_PAGE = 500;

/** Harbor's repositories (swagger tag `repository`): list, read, describe and delete. */
export class RepositoryService {
  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
    private readonly work: UnitOfWork,
  ) {}

  /** Repositories of every project in which the caller may list repositories. */
  async listAll(ctx: SecurityContext, filter: RepositoryFilter): Promise<PagedResult<RepositoryView>> {
    return this.store.repositories.query({ ...filter, projectIds: await this.listableProjectIds(ctx) });
  }

  async list(ctx: SecurityContext, projectName: string, filter: RepositoryFilter) {
    const project = await projectFor(this.store, ctx, projectName, 'repository', 'list');
    return this.store.repositories.query({ ...filter, projectIds: [project.id] });
  }

  async get(ctx: SecurityContext, projectName: string, repositoryName: string): Promise<RepositoryView> {
    // Harbor asks for the right to list repositories here, not to read one (public projects grant only that).
    const project = await projectFor(this.store, ctx, projectName, 'repository', 'list');
    return this.view(project, repositoryName);
  }

  /** Changes the description only (Harbor ignores every other field; an absent description clears it). */
  async update(ctx: SecurityContext, projectName: string, repositoryName: string, change: RepositoryChange) {
    const project = await projectFor(this.store, ctx, projectName, 'repository', 'update');
    const repository = await repositoryIn(this.store, project, repositoryName);
    const description = change.description ?? '';
    if (typeof description !== 'string') throw new InvalidError('field', 'description must be a string');
    if ([...description].length > 1024) throw new InvalidError('field', 'description must be at most 1024 characters');
    await this.work.run(async ({ tx, emit }) => {
      await tx.repositories.setDescription(repository.id, description);
      emit({ type: 'repository.updated', repository: repository.name }, operatorOf(ctx));
    });
  }

  /** Deletes the repository with every artifact and tag in it; /v2 no longer knows it afterwards. */
  async delete(ctx: SecurityContext, projectName: string, repositoryName: string): Promise<void> {
    const project = await projectFor(this.store, ctx, projectName, 'repository', 'delete');
    const repository = await repositoryIn(this.store, project, repositoryName);
    await this.registry.artifacts.deleteRepository(repository, { by: operatorOf(ctx) });
  }

  private async view(project: ProjectRecord, repositoryName: string): Promise<RepositoryView> {
    const name = fullRepositoryName(project, repositoryName);
    const view = await this.store.repositories.view(name);
    if (!view) throw new NotFoundError('repository', name, `repository ${name} not found`);
    return view;
  }

  /**
   * The projects whose repositories the caller may list (the evaluator decides for each), or undefined when that
   * is every project. The candidates are narrowed first: public projects for anonymous callers, public and member
   * projects for users who may not list every project; all projects for the others (robots, whose permissions name
   * their projects, and those who may list every project).
   */
  private async listableProjectIds(ctx: SecurityContext): Promise<number[] | undefined> {
    const subject = subjectOf(ctx);
    const narrowed: Omit<ProjectQuery, 'page' | 'pageSize'> =
      ctx.kind === 'anonymous'
        ? { public: true }
        : ctx.kind === 'user' && !can(subject, undefined, 'project', 'list')
          ? { visibleTo: { projectIds: [...ctx.subject.projectRoles.keys()] } }
          : {};
    const ids: number[] = [];
    let all = true;
    for (let page = 1; ; page++) {
      const { items } = await this.store.projects.list({ ...narrowed, page, pageSize: PROJECT_PAGE });
      for (const project of items) {
        if (can(subject, projectRef(project), 'repository', 'list')) ids.push(project.id);
        else all = false;
      }
      if (items.length < PROJECT_PAGE) break;
    }
    return all && Object.keys(narrowed).length === 0 ? undefined : ids;
  }
}
