import {
  ConflictError,
  InvalidError,
  PermissionDeniedError,
  PreconditionFailedError,
  UnauthenticatedError,
} from '../domain/errors.js';
import { can } from '../domain/rbac/evaluator.js';
import { PROJECT_ROLE_IDS, PROJECT_ROLES, type ProjectRole, type ProjectRoleId } from '../domain/rbac/roles.js';
import { projectNameProblem } from '../domain/projects/project-rules.js';
import type { PagedResult, PageQuery, ProjectFilter, ProjectQuery, ProjectRecord } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import { operatorOf, subjectOf, type SecurityContext } from './authenticator.js';
import { projectRef } from './project-access.js';
import { requestedMetadata, type ProjectRequest } from './project-request.js';
import { storageLimitProblem } from './quotas/quotas.js';
import { accessProject, projectScopeOf, scopeFilter, type ProjectLocator } from './project-visibility.js';

/** A project as the API shows it to one caller. */
export interface ProjectView {
  readonly project: ProjectRecord;
  readonly repoCount: number;
  /** Whether the owner and the other details were looked up. */
  readonly detailed: boolean;
  /** The owner's username; undefined without details, or when the project has no (live) owner. */
  readonly ownerName?: string | undefined;
  /** The caller's roles in the project, most privileged first (none for anonymous callers and robots). */
  readonly roles: readonly ProjectRole[];
}

export interface ProjectListQuery extends PageQuery {
  readonly filter: Omit<ProjectFilter, 'visibleTo' | 'ownerId'>;
  /** The owner's username. */
  readonly owner?: string;
  readonly sort?: ProjectQuery['sort'];
  readonly withDetail: boolean;
}

export interface ProjectSummaryView {
  readonly repoCount: number;
  /** The project's storage quota in bytes (hard -1: unlimited); undefined when the caller may not read it. */
  readonly quota?: { readonly hard: number; readonly used: number } | undefined;
  /** Members per role; undefined when the caller may not list members. */
  readonly members?: ReadonlyMap<ProjectRoleId, number>;
}

export type { ProjectRequest } from './project-request.js';

const NOT_EMPTY = 'the project contains repositories and cannot be deleted';

/**
 * Harbor's project management. Who sees which projects is projectScopeOf's rule; everything done to one project
 * is decided by the evaluator through accessProject. Any signed-in user may create projects unless the system
 * setting `project_creation_restriction` is `adminonly`; robots need the system permission to create projects.
 */
export class ProjectService {
  constructor(
    private readonly identity: Store,
    private readonly work: UnitOfWork,
  ) {}

  async list(ctx: SecurityContext, query: ProjectListQuery): Promise<PagedResult<ProjectView>> {
    let ownerId: number | undefined;
    if (query.owner !== undefined) {
      const owner = await this.identity.users.getByName(query.owner);
      if (!owner) return { items: [], total: 0 };
      ownerId = owner.id;
    }
    const scope = await projectScopeOf(this.identity, ctx);
    const { items, total } = await this.identity.projects.list({
      ...query.filter,
      ...(ownerId !== undefined && { ownerId }),
      ...scopeFilter(scope),
      ...(query.sort && { sort: query.sort }),
      page: query.page,
      pageSize: query.pageSize,
    });
    const counts = await this.identity.repositories.countByProject(items.map((p) => p.id));
    return {
      items: await Promise.all(items.map((p) => this.view(ctx, p, query.withDetail, counts.get(p.id) ?? 0))),
      total,
    };
  }

  /** HEAD /projects?project_name=: succeeds when the project exists and the caller may read it. */
  async check(ctx: SecurityContext, name: string): Promise<void> {
    await accessProject(this.identity, ctx, { nameOrId: name, isResourceName: true }, 'project', 'read');
  }

  async get(ctx: SecurityContext, at: ProjectLocator): Promise<ProjectView> {
    return this.view(ctx, await accessProject(this.identity, ctx, at, 'project', 'read'), true);
  }

  /** Creates the project; a user who creates it becomes its Project Admin (Harbor's owner). */
  async create(ctx: SecurityContext, request: ProjectRequest): Promise<ProjectRecord> {
    await this.authorizeCreation(ctx);
    const name = request.name;
    if (name === undefined || name === '') throw new InvalidError('field', 'project_name is required');
    const problem = projectNameProblem(name);
    if (problem) throw new InvalidError('field', problem);
    if (request.proxyCache) throw new InvalidError('field', 'proxy cache projects (registry_id) are not supported');
    if (request.storageLimit !== undefined && storageLimitProblem(request.storageLimit)) {
      throw new InvalidError(
        'field',
        'storage_limit must be -1 (no limit) or a positive number of bytes: invalid value for resource storage',
      );
    }
    // As Harbor: only system administrators choose the limit; everyone else's projects get `storage_per_project`.
    const storageLimit = can(subjectOf(ctx), undefined, 'quota', 'update') ? request.storageLimit : undefined;
    const requested = requestedMetadata(request);
    const ownerId = ctx.kind === 'user' ? ctx.user.id : null;
    return this.work.run(async ({ tx, emit }) => {
      const project = await tx.projects.create({
        name,
        public: requested.public ?? false,
        ownerId,
        metadata: requested.metadata,
      });
      // Its quota: the requested limit or the system's default (migration 0010-quotas gave older projects theirs).
      await tx.quotas.create(project.id, storageLimit ?? (await tx.settings.get()).storagePerProject);
      if (ownerId !== null) {
        await tx.members.add({
          projectId: project.id,
          entityType: 'u',
          entityId: ownerId,
          roleId: PROJECT_ROLE_IDS.projectAdmin,
        });
      }
      emit({ type: 'project.created', projectId: project.id, project: project.name }, operatorOf(ctx));
      return project;
    });
  }

  /** Changes the public flag and merges the given metadata; the name never changes. */
  async update(ctx: SecurityContext, at: ProjectLocator, request: ProjectRequest): Promise<void> {
    const project = await accessProject(this.identity, ctx, at, 'project', 'update');
    const requested = requestedMetadata(request);
    await this.work.run(async ({ tx, emit }) => {
      await tx.projects.update(project.id, {
        ...(requested.public !== undefined && { public: requested.public }),
        metadata: requested.metadata,
      });
      emit({ type: 'project.updated', projectId: project.id, project: project.name }, operatorOf(ctx));
    });
  }

  /** Deletes an empty project with its members, robots and metadata; PreconditionFailedError while it is not. */
  async delete(ctx: SecurityContext, at: ProjectLocator): Promise<void> {
    const project = await accessProject(this.identity, ctx, at, 'project', 'delete');
    if ((await this.identity.repositories.count([project.id])) > 0) throw new PreconditionFailedError(NOT_EMPTY);
    try {
      await this.work.run(async ({ tx, emit }) => {
        if (await tx.projects.delete(project.id)) {
          emit({ type: 'project.deleted', projectId: project.id, project: project.name }, operatorOf(ctx));
        }
      });
    } catch (error) {
      // A repository pushed into it meanwhile.
      if (error instanceof ConflictError) throw new PreconditionFailedError(NOT_EMPTY);
      throw error;
    }
  }

  async deletable(ctx: SecurityContext, at: ProjectLocator): Promise<{ deletable: boolean; message?: string }> {
    const project = await accessProject(this.identity, ctx, at, 'project', 'delete');
    const empty = (await this.identity.repositories.count([project.id])) === 0;
    return empty ? { deletable: true } : { deletable: false, message: NOT_EMPTY };
  }

  /** Repository count, and member counts per role when the caller may list members (as Harbor). */
  async summary(ctx: SecurityContext, at: ProjectLocator): Promise<ProjectSummaryView> {
    const project = await accessProject(this.identity, ctx, at, 'project', 'read');
    const repoCount = await this.identity.repositories.count([project.id]);
    const subject = subjectOf(ctx);
    const quotaRecord = can(subject, projectRef(project), 'quota', 'read')
      ? await this.identity.quotas.ofProject(project.id)
      : undefined;
    const quota = quotaRecord && { hard: quotaRecord.hard, used: quotaRecord.used };
    if (!can(subject, projectRef(project), 'member', 'list')) return { repoCount, quota };
    return { repoCount, quota, members: await this.identity.members.countByRole(project.id) };
  }

  /**
   * The project with what the API adds: repository count (counted unless given), owner name (with details) and the
   * caller's roles.
   */
  async view(
    ctx: SecurityContext,
    project: ProjectRecord,
    detailed: boolean,
    repositories?: number,
  ): Promise<ProjectView> {
    const [repoCount, owner] = await Promise.all([
      repositories ?? this.identity.repositories.count([project.id]),
      detailed && project.ownerId !== null ? this.identity.users.get(project.ownerId) : undefined,
    ]);
    const held = ctx.kind === 'user' ? (ctx.subject.projectRoles.get(project.id) ?? []) : [];
    return {
      project,
      repoCount,
      detailed,
      ownerName: owner?.username,
      roles: PROJECT_ROLES.filter((role) => held.includes(role)),
    };
  }

  /** Whether `ctx` may create projects (POST /projects' rule), without creating one. */
  async mayCreate(ctx: SecurityContext): Promise<boolean> {
    try {
      await this.authorizeCreation(ctx);
      return true;
    } catch (error) {
      if (error instanceof UnauthenticatedError || error instanceof PermissionDeniedError) return false;
      throw error;
    }
  }

  private async authorizeCreation(ctx: SecurityContext): Promise<void> {
    if (ctx.kind === 'anonymous') throw new UnauthenticatedError('authentication required');
    if (can(subjectOf(ctx), undefined, 'project', 'create')) return;
    if (ctx.kind === 'robot') {
      throw new PermissionDeniedError('a robot account needs the system permission to create projects');
    }
    const { projectCreationRestriction } = await this.identity.settings.get();
    if (projectCreationRestriction === 'adminonly') {
      throw new PermissionDeniedError('only system administrators may create projects');
    }
  }
}
