import { ConflictError, InvalidError, NotFoundError } from '../domain/errors.js';
import { labelNameOf, labelScopeOf, labelTextOf, type LabelScope } from '../domain/labels.js';
import type { Action } from '../domain/rbac/resources.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import type { PagedResult, PageQuery } from '../ports/identity-store.js';
import type { LabelQuery, LabelRecord } from '../ports/label-records.js';
import type { Store } from '../ports/store.js';
import type { ArtifactService } from '../services/artifacts.js';
import { operatorOf, type SecurityContext } from '../services/authenticator.js';
import { authorize } from '../services/project-access.js';
import { accessProject } from '../services/project-visibility.js';

type Body = Readonly<Record<string, unknown>>;

/** The list query as Harbor's `GET /labels` takes it (scope and project_id checked here). */
export interface LabelListRequest extends PageQuery {
  readonly scope: string | undefined;
  readonly projectId: number | undefined;
  readonly nameContains?: string | undefined;
  readonly name?: string | undefined;
  readonly sort?: LabelQuery['sort'];
}

function invalid(message: string): InvalidError {
  return new InvalidError('field', message);
}

function missing(id: number): NotFoundError {
  return new NotFoundError('label', String(id), `label ${id} not found`);
}

/**
 * Harbor's labels (`/labels`, src/server/v2.0/handler/label.go): a global label (`g`) is governed by the system
 * resource `label` (system administrators), a project label (`p`) by the resource `label` inside its project (project
 * admins and maintainers manage, every member and anyone in a public project lists). Names are unique among global
 * labels and within a project (409). Listing global labels needs no permission, as in Harbor (they are what any
 * project may attach). Deleting a label detaches it from every artifact.
 */
export class LabelService {
  constructor(
    private readonly store: Store,
    private readonly work: UnitOfWork,
    private readonly now: () => Date,
  ) {}

  async list(ctx: SecurityContext, request: LabelListRequest): Promise<PagedResult<LabelRecord>> {
    if (request.scope !== 'g' && request.scope !== 'p') throw invalid(`invalid scope: ${request.scope ?? ''}`);
    let projectId: number | undefined;
    if (request.scope === 'p') {
      if (request.projectId === undefined || request.projectId === 0) {
        throw invalid('must with project ID when to query project labels');
      }
      const project = await accessProject(
        this.store,
        ctx,
        { nameOrId: String(request.projectId), isResourceName: false },
        'label',
        'list',
      );
      projectId = project.id;
    }
    return this.store.labels.query({
      page: request.page,
      pageSize: request.pageSize,
      scope: request.scope,
      projectId,
      nameContains: request.nameContains,
      name: request.name,
      sort: request.sort,
    });
  }

  async get(ctx: SecurityContext, id: number): Promise<LabelRecord> {
    const label = await this.labelOf(id);
    await this.authorize(ctx, label.scope, label.projectId, 'read');
    return label;
  }

  async create(ctx: SecurityContext, body: Body): Promise<LabelRecord> {
    const scope = labelScopeOf(body.scope ?? 'g');
    const rawProject = body.project_id;
    if (scope === 'p' && (typeof rawProject !== 'number' || !Number.isSafeInteger(rawProject) || rawProject <= 0)) {
      throw invalid(`project_id: invalid: ${String(rawProject)}`);
    }
    const projectId = scope === 'p' ? (rawProject as number) : undefined;
    await this.authorize(ctx, scope, projectId, 'create');
    const name = labelNameOf(body.name);
    const fields = {
      name,
      description: labelTextOf(body.description, 'description'),
      color: labelTextOf(body.color, 'color'),
    };
    return this.work.run(async ({ tx, emit }) => {
      const label = await tx.labels.create({ ...fields, scope, projectId }, this.now());
      emit(
        { type: 'label.created', labelId: label.id, label: label.name, scope, ...(projectId && { projectId }) },
        operatorOf(ctx),
      );
      return label;
    });
  }

  /** Harbor's update: name, description and color are replaced (absent text is empty); scope and project stay. */
  async update(ctx: SecurityContext, id: number, body: Body): Promise<void> {
    const label = await this.labelOf(id);
    await this.authorize(ctx, label.scope, label.projectId, 'update');
    const change = {
      name: labelNameOf(body.name),
      description: labelTextOf(body.description, 'description'),
      color: labelTextOf(body.color, 'color'),
    };
    await this.work.run(async ({ tx, emit }) => {
      if (!(await tx.labels.update(id, change, this.now()))) throw missing(id);
      emit(
        { type: 'label.updated', labelId: id, label: change.name, scope: label.scope, projectId: label.projectId },
        operatorOf(ctx),
      );
    });
  }

  async delete(ctx: SecurityContext, id: number): Promise<void> {
    const label = await this.labelOf(id);
    await this.authorize(ctx, label.scope, label.projectId, 'delete');
    await this.work.run(async ({ tx, emit }) => {
      if (!(await tx.labels.delete(id))) throw missing(id);
      emit(
        { type: 'label.deleted', labelId: id, label: label.name, scope: label.scope, projectId: label.projectId },
        operatorOf(ctx),
      );
    });
  }

  private async labelOf(id: number): Promise<LabelRecord> {
    const label = await this.store.labels.get(id);
    if (!label) throw missing(id);
    return label;
  }

  private async authorize(ctx: SecurityContext, scope: LabelScope, projectId: number | undefined, action: Action) {
    if (scope === 'g') {
      authorize(ctx, undefined, 'label', action);
      return;
    }
    await accessProject(this.store, ctx, { nameOrId: String(projectId), isResourceName: false }, 'label', action);
  }
}

/**
 * Labels on artifacts (`POST …/artifacts/{reference}/labels`, `DELETE …/labels/{label_id}`), decided on the
 * project's `artifact-label` resource (project admins, maintainers and developers). A project label is attached only
 * to artifacts of its project (400); a label attached already is 409.
 */
export class ArtifactLabelService {
  constructor(
    private readonly store: Store,
    private readonly artifacts: ArtifactService,
    private readonly work: UnitOfWork,
    private readonly now: () => Date,
  ) {}

  async add(
    ctx: SecurityContext,
    projectName: string,
    repositoryName: string,
    reference: string,
    body: Body,
  ): Promise<void> {
    const { project, repository, record } = await this.artifacts.locate(
      ctx,
      projectName,
      repositoryName,
      reference,
      'artifact-label',
      'create',
    );
    const id = body.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) throw invalid('id: the label id is required');
    const label = await this.store.labels.get(id);
    if (!label) throw missing(id);
    if (label.scope === 'p' && label.projectId !== project.id) {
      throw invalid(`label ${id} belongs to another project and cannot be added to artifacts of ${project.name}`);
    }
    await this.work.run(async ({ tx, emit }) => {
      if (!(await tx.labels.attach(id, record.id, this.now()))) {
        throw new ConflictError(`label ${id} is already added to the artifact ${record.id}`);
      }
      emit(
        {
          type: 'artifact.labeled',
          repository: repository.name,
          digest: record.digest,
          labelId: id,
          label: label.name,
        },
        operatorOf(ctx),
      );
    });
  }

  async remove(
    ctx: SecurityContext,
    projectName: string,
    repositoryName: string,
    reference: string,
    labelId: number,
  ): Promise<void> {
    const { repository, record } = await this.artifacts.locate(
      ctx,
      projectName,
      repositoryName,
      reference,
      'artifact-label',
      'delete',
    );
    const label = await this.store.labels.get(labelId);
    await this.work.run(async ({ tx, emit }) => {
      if (!label || !(await tx.labels.detach(labelId, record.id))) {
        throw new NotFoundError('label', String(labelId), `label ${labelId} is not added to the artifact ${record.id}`);
      }
      emit(
        {
          type: 'artifact.unlabeled',
          repository: repository.name,
          digest: record.digest,
          labelId,
          label: label.name,
        },
        operatorOf(ctx),
      );
    });
  }
}
