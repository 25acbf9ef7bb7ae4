import { ConflictError, InvalidError, NotFoundError } from '../domain/errors.js';
import { normalizeMetadata } from '../domain/projects/project-rules.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import type { ProjectRecord } from '../ports/identity-store.js';
import type { ProjectUpdate } from '../ports/identity/project-records.js';
import type { Store } from '../ports/store.js';
import { operatorOf, type SecurityContext } from './authenticator.js';
import { accessProject, type ProjectLocator } from './project-visibility.js';

/** A project's metadata as Harbor shows it: `public` ("true"/"false", a column here) with the stored keys. */
export function metadataOf(project: ProjectRecord): Record<string, string> {
  return { public: String(project.public), ...project.metadata };
}

function invalid(message: string): InvalidError {
  return new InvalidError('field', message);
}

/**
 * Harbor's /projects/{p}/metadatas API: read, add, change and remove one key at a time, each decided by the
 * evaluator on the project's `metadata` resource. Values are validated and normalised as in Harbor.
 */
export class ProjectMetadataService {
  constructor(
    private readonly identity: Store,
    private readonly work: UnitOfWork,
  ) {}

  async list(ctx: SecurityContext, at: ProjectLocator): Promise<Record<string, string>> {
    return metadataOf(await accessProject(this.identity, ctx, at, 'metadata', 'list'));
  }

  /** NotFoundError when the key is not set. */
  async get(ctx: SecurityContext, at: ProjectLocator, key: string): Promise<Record<string, string>> {
    const project = await accessProject(this.identity, ctx, at, 'metadata', 'read');
    const metadata = metadataOf(project);
    if (!Object.hasOwn(metadata, key)) throw this.unset(project, key);
    return { [key]: metadata[key] ?? '' };
  }

  /**
   * Adds one key; ConflictError when it is already set (`public` always is). The value is as sent: the domain's
   * normalizeMetadata accepts what Harbor accepts.
   */
  async add(ctx: SecurityContext, at: ProjectLocator, key: string, value: unknown): Promise<void> {
    const project = await accessProject(this.identity, ctx, at, 'metadata', 'create');
    const normalized = this.valid(key, value);
    if (Object.hasOwn(metadataOf(project), key)) {
      throw new ConflictError(`metadata ${key} of project ${project.name} is already set`);
    }
    await this.update(ctx, project, { metadata: { [key]: normalized } });
  }

  /** Sets `key` to `value` (as sent). */
  async set(ctx: SecurityContext, at: ProjectLocator, key: string, value: unknown): Promise<void> {
    const project = await accessProject(this.identity, ctx, at, 'metadata', 'update');
    const normalized = this.valid(key, value);
    await this.update(
      ctx,
      project,
      key === 'public' ? { public: normalized === 'true' } : { metadata: { [key]: normalized } },
    );
  }

  /** Removes `key`; removing `public` makes the project private (a project without it is private in Harbor). */
  async delete(ctx: SecurityContext, at: ProjectLocator, key: string): Promise<void> {
    const project = await accessProject(this.identity, ctx, at, 'metadata', 'delete');
    if (!Object.hasOwn(metadataOf(project), key)) throw this.unset(project, key);
    await this.update(ctx, project, key === 'public' ? { public: false } : { metadata: { [key]: null } });
  }

  /** Writes the change with its `project.updated` event (other nodes' caches of the project listen for it). */
  private async update(ctx: SecurityContext, project: ProjectRecord, change: ProjectUpdate): Promise<void> {
    await this.work.run(async ({ tx, emit }) => {
      await tx.projects.update(project.id, change);
      emit({ type: 'project.updated', projectId: project.id, project: project.name }, operatorOf(ctx));
    });
  }

  private valid(key: string, value: unknown): string {
    const normalized = normalizeMetadata(key, value);
    if (!normalized.ok) throw invalid(normalized.reason);
    return normalized.value;
  }

  private unset(project: ProjectRecord, key: string): NotFoundError {
    return new NotFoundError('project', project.name, `project ${project.name} has no metadata ${key}`);
  }
}
