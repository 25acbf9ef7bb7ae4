import { InvalidError, NotFoundError, PermissionDeniedError, UnauthenticatedError } from '../domain/errors.js';
import { can, type ProjectRef, type ScopedResource } from '../domain/rbac/evaluator.js';
import { PROJECT_POLICIES, SYSTEM_POLICIES, type Policy } from '../domain/rbac/known-policies.js';
import { isAction, isProjectResource, isSystemResource } from '../domain/rbac/resources.js';
import { hashPassword } from '../lib/password-hash.js';
import type {
  PagedResult,
  PageQuery,
  ProjectRecord,
  RobotLevel,
  RobotPermission,
  RobotQuery,
  RobotRecord,
  RobotUpdate,
  TextMatch,
} from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import { generatePassword } from './admin-bootstrap.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import { operatorOf, ROBOT_PREFIX, subjectOf, type SecurityContext } from './authenticator.js';
import { authorize, projectRef } from './project-access.js';
import {
  MAX_ROBOT_NAME_LENGTH,
  parseRobotChange,
  parseRobotCreation,
  validateRobotSecret,
  type RobotChange,
  type RobotChangeRequest,
  type RobotCreationRequest,
} from './robot-input.js';

const DAY_MS = 86_400_000;

/** Stands for "every project" (a `*` namespace): no real project has this id or name. */
const EVERY_PROJECT: ProjectRef = { id: 0, name: '*', public: false };

export interface RobotListQuery extends PageQuery {
  readonly level: RobotLevel;
  /** Required for project robots. */
  readonly projectId?: number;
  readonly name?: TextMatch;
  readonly sort?: RobotQuery['sort'];
}

export interface CreatedRobot {
  readonly robot: RobotRecord;
  /** Shown once, never stored: only its hash is. */
  readonly secret: string;
}

/**
 * Robot accounts, as Harbor manages them. System robots are governed by the system resource `robot`, project
 * robots by the resource `robot` inside their project; the RBAC evaluator decides who holds which. Nobody but a
 * system administrator can hand out more than they hold: every permission granted (on create and update) must be
 * one the caller holds itself, and taking control of a robot (updating it or refreshing its secret) requires
 * holding everything that robot holds. Secrets are random (or chosen, passing the password policy), returned once
 * and stored hashed.
 */
export class RobotService {
  constructor(
    private readonly identity: Store,
    private readonly work: UnitOfWork,
    /** The clock port's time (main.ts passes it): robot expiry and creation times. */
    private readonly now: () => Date,
  ) {}

  async list(ctx: SecurityContext, query: RobotListQuery): Promise<PagedResult<RobotRecord>> {
    requireAuthenticated(ctx);
    let project: ProjectRecord | undefined;
    if (query.level === 'project') {
      if (query.projectId === undefined) throw invalid('listing project robots needs the ProjectID');
      project = await this.identity.projects.get(query.projectId);
      // A project the caller cannot see is answered like one that does not exist (no existence oracle).
      const subject = subjectOf(ctx);
      const hidden =
        project &&
        !can(subject, projectRef(project), 'robot', 'list', this.now()) &&
        !can(subject, projectRef(project), 'project', 'read', this.now());
      if (!project || hidden) throw new NotFoundError('project', String(query.projectId));
    }
    authorize(ctx, project, 'robot', 'list');
    const name = query.name;
    return this.identity.robots.list({
      page: query.page,
      pageSize: query.pageSize,
      level: query.level,
      ...(project && { projectId: project.id }),
      ...(name && !name.exact && { name: name.value }),
      ...(name?.exact && { exactName: name.value.startsWith(ROBOT_PREFIX) ? name.value : ROBOT_PREFIX + name.value }),
      ...(query.sort && { sort: query.sort }),
    });
  }

  async get(ctx: SecurityContext, id: number): Promise<RobotRecord> {
    const robot = await this.visible(ctx, id);
    authorize(ctx, await this.ownerOf(robot), 'robot', 'read');
    return robot;
  }

  async create(ctx: SecurityContext, input: RobotCreationRequest): Promise<CreatedRobot> {
    requireAuthenticated(ctx);
    const creation = parseRobotCreation(input);
    let fullName: string;
    let project: ProjectRecord | undefined;
    if (creation.level === 'project') {
      project = await this.projectNamed(creation.permissions[0]!.namespace);
      authorize(ctx, project, 'robot', 'create');
      fullName = `${ROBOT_PREFIX}${project.name}+${creation.name}`;
    } else {
      authorize(ctx, undefined, 'robot', 'create');
      fullName = `${ROBOT_PREFIX}${creation.name}`;
    }
    await this.assertHolds(ctx, creation.permissions, 'grant');
    if (fullName.length > MAX_ROBOT_NAME_LENGTH) {
      throw invalid(`the robot's full name ${fullName} is longer than ${MAX_ROBOT_NAME_LENGTH} characters`);
    }
    const secret = creation.secret ?? generatePassword();
    const secretHash = await hashPassword(secret);
    const robot = await this.work.run(async ({ tx, emit }) => {
      const created = await tx.robots.create({
        name: fullName,
        description: creation.description,
        level: creation.level,
        projectId: project?.id ?? null,
        permissions: creation.permissions,
        secretHash,
        disabled: creation.disabled,
        durationDays: creation.durationDays,
        expiresAt: expiryOf(this.now(), creation.durationDays),
        creator: creatorOf(ctx),
      });
      emit({ type: 'robot.created', robotId: created.id, robot: created.name }, operatorOf(ctx));
      return created;
    });
    return { robot, secret };
  }

  /** Description, disable, duration (expiry counts from creation) and permissions; name and level never change. */
  async update(ctx: SecurityContext, id: number, input: RobotChangeRequest): Promise<RobotRecord> {
    const robot = await this.controlled(ctx, id);
    const change = parseRobotChange(input, robot.level);
    this.checkImmutable(robot, change);
    if (change.permissions) {
      if (robot.level === 'project') {
        const owner = await this.ownerOf(robot);
        if (change.permissions[0]!.namespace !== owner?.name) {
          throw invalid(`the permission of project robot ${robot.name} must name its project ${owner?.name ?? ''}`);
        }
      }
      await this.assertHolds(ctx, change.permissions, 'grant');
    }
    const update: { -readonly [K in keyof RobotUpdate]: RobotUpdate[K] } = {};
    if (change.description !== undefined) update.description = change.description;
    if (change.disabled !== undefined) update.disabled = change.disabled;
    if (change.permissions) update.permissions = change.permissions;
    if (change.durationDays !== undefined && change.durationDays !== robot.durationDays) {
      update.durationDays = change.durationDays;
      update.expiresAt = expiryOf(robot.createdAt, change.durationDays);
    }
    const updated = await this.work.run(async ({ tx, emit }) => {
      const changed = await tx.robots.update(id, update);
      if (changed) emit({ type: 'robot.updated', robotId: id, robot: changed.name }, operatorOf(ctx));
      return changed;
    });
    if (!updated) throw new NotFoundError('robot', String(id));
    return updated;
  }

  /**
   * Replaces the secret: with `secret` given (it must pass the password policy) that one, otherwise a random one,
   * which is returned. The old secret stops working at once.
   */
  async refreshSecret(ctx: SecurityContext, id: number, secret: string | undefined): Promise<string | undefined> {
    const robot = await this.controlled(ctx, id);
    const chosen = secret === undefined || secret === '' ? undefined : validateRobotSecret(secret);
    const effective = chosen ?? generatePassword();
    const secretHash = await hashPassword(effective);
    const refreshed = await this.work.run(async ({ tx, emit }) => {
      if (!(await tx.robots.setSecretHash(id, secretHash))) return false;
      emit({ type: 'robot.updated', robotId: id, robot: robot.name }, operatorOf(ctx));
      return true;
    });
    if (!refreshed) throw new NotFoundError('robot', String(id));
    return chosen === undefined ? effective : undefined;
  }

  async delete(ctx: SecurityContext, id: number): Promise<void> {
    const robot = await this.visible(ctx, id);
    authorize(ctx, await this.ownerOf(robot), 'robot', 'delete');
    const deleted = await this.work.run(async ({ tx, emit }) => {
      if (!(await tx.robots.delete(id))) return false;
      emit({ type: 'robot.deleted', robotId: id, robot: robot.name }, operatorOf(ctx));
      return true;
    });
    if (!deleted) throw new NotFoundError('robot', String(id));
  }

  /** The robot, when the caller may update it and holds everything it holds. */
  private async controlled(ctx: SecurityContext, id: number): Promise<RobotRecord> {
    const robot = await this.visible(ctx, id);
    authorize(ctx, await this.ownerOf(robot), 'robot', 'update');
    await this.assertHolds(ctx, robot.permissions, 'control a robot holding');
    return robot;
  }

  private checkImmutable(robot: RobotRecord, change: RobotChange): void {
    const names = [robot.name, robot.name.slice(ROBOT_PREFIX.length)];
    if (change.name !== undefined && !names.includes(change.name)) {
      throw invalid('the name of a robot cannot be changed');
    }
    if (change.level !== undefined && change.level !== robot.level) {
      throw invalid('the level of a robot cannot be changed');
    }
  }

  /**
   * Throws PermissionDeniedError unless the caller itself may do every allowed access in `permissions` (a denial
   * grants nothing). Wildcards, which only robots written outside the API carry, count as every pair they match.
   */
  private async assertHolds(ctx: SecurityContext, permissions: readonly RobotPermission[], verb: string) {
    const subject = subjectOf(ctx);
    for (const permission of permissions) {
      const scope =
        permission.kind === 'system'
          ? undefined
          : permission.namespace === '*'
            ? EVERY_PROJECT
            : projectRef(await this.projectNamed(permission.namespace));
      const where = scope ? `in project ${scope.name}` : 'at system scope';
      for (const access of permission.access) {
        if (access.effect === 'deny') continue;
        const pairs = scope
          ? expand(PROJECT_POLICIES, isProjectResource, access)
          : expand(SYSTEM_POLICIES, isSystemResource, access);
        for (const { resource, action } of pairs) {
          if (!can(subject, scope, resource, action, this.now())) {
            throw new PermissionDeniedError(`you cannot ${verb} ${resource}:${action} ${where}: you do not hold it`);
          }
        }
      }
    }
  }

  /**
   * The robot, unless it belongs to a project the caller cannot see: such a robot is answered exactly like one that
   * does not exist (404), so that nobody learns which ids belong to robots of private projects. Whether the caller
   * may then act on it is decided by the caller's `authorize`.
   */
  private async visible(ctx: SecurityContext, id: number): Promise<RobotRecord> {
    requireAuthenticated(ctx);
    const robot = await this.existing(id);
    const owner = await this.ownerOf(robot);
    const subject = subjectOf(ctx);
    if (owner && !can(subject, projectRef(owner), 'robot', 'read', this.now())) {
      if (!can(subject, projectRef(owner), 'project', 'read', this.now())) throw notFound(id);
    }
    return robot;
  }

  private async existing(id: number): Promise<RobotRecord> {
    const robot = await this.identity.robots.get(id);
    if (!robot) throw notFound(id);
    return robot;
  }

  /** The project a project robot belongs to; undefined for system robots. */
  private async ownerOf(robot: RobotRecord): Promise<ProjectRecord | undefined> {
    if (robot.projectId === null) return undefined;
    const project = await this.identity.projects.get(robot.projectId);
    if (!project) throw new NotFoundError('robot', String(robot.id), `robot ${robot.id} not found`);
    return project;
  }

  private async projectNamed(name: string): Promise<ProjectRecord> {
    const project = await this.identity.projects.getByName(name);
    if (!project) throw new NotFoundError('project', name, `project ${name} not found`);
    return project;
  }
}

function notFound(id: number): NotFoundError {
  return new NotFoundError('robot', String(id), `robot ${id} not found`);
}

function requireAuthenticated(ctx: SecurityContext): void {
  if (ctx.kind === 'anonymous') throw new UnauthenticatedError('authentication required');
}

function invalid(message: string): InvalidError {
  return new InvalidError('field', message);
}

function creatorOf(ctx: SecurityContext): string | null {
  if (ctx.kind === 'user') return ctx.user.username;
  if (ctx.kind === 'robot') return ctx.robot.name;
  return null;
}

/** `durationDays` after `from`; null (never) for a null duration. */
function expiryOf(from: Date, durationDays: number | null): Date | null {
  return durationDays === null ? null : new Date(from.getTime() + durationDays * DAY_MS);
}

/**
 * The pairs an access grants, with `*` standing for every known resource or action. A pair outside the known ones
 * (written outside the API) still counts when its resource exists at the scope and its action exists, since the
 * evaluator would honour it; any other grants nothing.
 */
function expand<R extends ScopedResource>(
  universe: readonly Policy<R>[],
  isResource: (value: string) => value is R,
  access: { readonly resource: string; readonly action: string },
): Policy<R>[] {
  const { resource, action } = access;
  if (resource === '*' || action === '*') {
    return universe.filter(
      (p) => (resource === '*' || p.resource === resource) && (action === '*' || p.action === action),
    );
  }
  return isResource(resource) && isAction(action) ? [{ resource, action }] : [];
}
