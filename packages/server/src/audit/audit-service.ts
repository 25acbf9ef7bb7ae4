import { UnauthenticatedError } from '../domain/errors.js';
import { can } from '../domain/rbac/evaluator.js';
import type { AuditQuery, AuditRecord } from '../ports/audit-records.js';
import type { ProjectRecord } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import { subjectOf, type SecurityContext } from '../services/authenticator.js';
import { authorize, projectRef } from '../services/project-access.js';
import { projectScopeOf } from '../services/project-visibility.js';
import { findProject } from '../services/project-access.js';
import { AUDIT_EVENT_TYPES, LEGACY_RESOURCE_TYPES } from './event-mapping.js';

/** The filters of a list, as the HTTP edge parsed Harbor's `q`, `sort` and paging. */
export type AuditFilter = Omit<AuditQuery, 'projectIds' | 'resourceTypes'>;

const PROJECT_PAGE = 500;

/**
 * Harbor's audit log API: `/audit-logs` and `/auditlog-exts` (every record for those allowed to list the system's
 * `audit-log`, system administrators and robots granted it; for anyone else signed in, the records of the projects
 * where they may list the project's `log`: project administrators, robots granted it), the project's own
 * (`/projects/{name}/logs`, `/projects/{name}/auditlog-exts`: the project's `log` list permission), and the event
 * types. The legacy lists show repository content only (artifacts, tags, repositories, projects), as Harbor's legacy
 * log did.
 */
export class AuditService {
  constructor(private readonly store: Store) {}

  async list(
    ctx: SecurityContext,
    legacy: boolean,
    filter: AuditFilter,
  ): Promise<{ items: AuditRecord[]; total: number }> {
    if (ctx.kind === 'anonymous') throw new UnauthenticatedError('authentication required');
    const projectIds = await this.loggableProjectIds(ctx);
    return this.store.audit.list({
      ...filter,
      projectIds,
      ...(legacy && { resourceTypes: LEGACY_RESOURCE_TYPES }),
    });
  }

  async listOfProject(
    ctx: SecurityContext,
    projectName: string,
    legacy: boolean,
    filter: AuditFilter,
  ): Promise<{ items: AuditRecord[]; total: number }> {
    const project = await findProject(this.store, projectName, true);
    authorize(ctx, project, 'log', 'list');
    return this.store.audit.list({
      ...filter,
      projectIds: [project.id],
      ...(legacy && { resourceTypes: LEGACY_RESOURCE_TYPES }),
    });
  }

  eventTypes(ctx: SecurityContext): readonly string[] {
    if (ctx.kind === 'anonymous') throw new UnauthenticatedError('authentication required');
    return AUDIT_EVENT_TYPES;
  }

  /** Undefined: every record; else the projects whose log the caller may list. */
  private async loggableProjectIds(ctx: SecurityContext): Promise<number[] | undefined> {
    const subject = subjectOf(ctx);
    if (can(subject, undefined, 'audit-log', 'list')) return undefined;
    const scope = await projectScopeOf(this.store, ctx);
    const candidates: ProjectRecord[] = [];
    if (scope.all) {
      for (let page = 1; ; page++) {
        const { items } = await this.store.projects.list({ page, pageSize: PROJECT_PAGE });
        candidates.push(...items);
        if (items.length < PROJECT_PAGE) break;
      }
    } else {
      for (const id of scope.projectIds) {
        const project = await this.store.projects.get(id);
        if (project) candidates.push(project);
      }
    }
    return candidates.filter((p) => can(subject, projectRef(p), 'log', 'list')).map((p) => p.id);
  }
}
