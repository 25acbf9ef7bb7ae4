/**
 * Harbor's rules for the fields of a robot account request (RobotCreate, Robot, RobotSec), whose JSON types
 * http/api/robot-body.ts has checked: they become the values the service stores, or an InvalidError (400) naming the
 * field. What the caller may do with them is services/robots.ts's concern.
 */
import { InvalidError } from '../domain/errors.js';
import { robotMayHold } from '../domain/rbac/known-policies.js';
import { checkPassword } from '../domain/users/password-policy.js';
import type { RobotAccess, RobotLevel, RobotPermission } from '../ports/identity-store.js';

/** Harbor's robot name grammar: lower-case words joined by single `.`, `_` or `-` (so never `+` or `$`). */
const ROBOT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** The longest full name (`robot$<project>+<name>`) stored. */
export const MAX_ROBOT_NAME_LENGTH = 255;
const MAX_DESCRIPTION_LENGTH = 1024;
/** Harbor allows any positive 32-bit count of days; dates end earlier, so Wharf stops at ~27,000 years. */
export const MAX_DURATION_DAYS = 10_000_000;
const MAX_PERMISSIONS = 100;
const MAX_ACCESS = 500;

export interface RobotCreation {
  /** The short name; the service composes the full one. */
  readonly name: string;
  readonly description: string;
  readonly level: RobotLevel;
  readonly disabled: boolean;
  /** Null: never expires (Harbor's -1). */
  readonly durationDays: number | null;
  /** A secret chosen by the caller (it passed the password policy); undefined to generate one. */
  readonly secret: string | undefined;
  readonly permissions: RobotPermission[];
}

/** A PUT of Harbor's Robot model: every field optional; name and level may only repeat the stored ones. */
export interface RobotChange {
  readonly name?: string;
  readonly level?: RobotLevel;
  readonly description?: string;
  readonly disabled?: boolean;
  readonly durationDays?: number | null;
  readonly permissions?: RobotPermission[];
}

export interface RequestedAccess {
  readonly resource: string;
  readonly action: string;
  readonly effect?: string;
}

export interface RequestedPermission {
  readonly kind: string;
  readonly namespace?: string;
  readonly access: readonly RequestedAccess[];
}

/** A Robot (PUT) body with its fields' types checked; every field optional. */
export interface RobotChangeRequest {
  readonly name?: string;
  readonly level?: string;
  readonly description?: string;
  readonly disable?: boolean;
  /** Days; -1 never expires. */
  readonly duration?: number;
  readonly permissions?: readonly RequestedPermission[];
}

/** A RobotCreate (POST) body with its fields' types checked. */
export interface RobotCreationRequest extends RobotChangeRequest {
  readonly secret?: string;
}

function invalid(message: string): InvalidError {
  return new InvalidError('field', message);
}

export function parseRobotCreation(input: RobotCreationRequest): RobotCreation {
  const level = parseLevel(input.level);
  if (input.name === undefined || input.name === '') throw invalid('name is required');
  if (!ROBOT_NAME.test(input.name)) {
    throw invalid('name must be lower-case letters and digits, in words joined by a single ".", "_" or "-"');
  }
  if (input.duration === undefined) throw invalid('duration is required: -1 (never expires) or a number of days');
  const secret = input.secret === undefined || input.secret === '' ? undefined : validateRobotSecret(input.secret);
  return {
    name: input.name,
    description: parseDescription(input.description) ?? '',
    level,
    disabled: input.disable ?? false,
    durationDays: parseDuration(input.duration),
    secret,
    permissions: parsePermissions(input.permissions, level),
  };
}

export function parseRobotChange(input: RobotChangeRequest, level: RobotLevel): RobotChange {
  const change: { -readonly [K in keyof RobotChange]: RobotChange[K] } = {};
  if (input.name !== undefined) change.name = input.name;
  if (input.level !== undefined) change.level = parseLevel(input.level);
  const description = parseDescription(input.description);
  if (description !== undefined) change.description = description;
  if (input.disable !== undefined) change.disabled = input.disable;
  if (input.duration !== undefined) change.durationDays = parseDuration(input.duration);
  if (input.permissions !== undefined) change.permissions = parsePermissions(input.permissions, level);
  return change;
}

/** A secret chosen by a person must pass the password policy, as in Harbor. */
export function validateRobotSecret(secret: string): string {
  const check = checkPassword(secret);
  if (!check.ok) throw invalid(check.message.replace(/^the password/, 'the secret'));
  return secret;
}

function parseLevel(level: string | undefined): RobotLevel {
  if (level !== 'system' && level !== 'project') throw invalid('level must be "system" or "project"');
  return level;
}

function parseDescription(description: string | undefined): string | undefined {
  if (description === undefined) return undefined;
  if ([...description].length > MAX_DESCRIPTION_LENGTH) {
    throw invalid(`description must be text of at most ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  return description;
}

/** Harbor's `duration`: -1 never expires, otherwise a positive number of days. */
function parseDuration(duration: number): number | null {
  if (duration === -1) return null;
  if (!Number.isInteger(duration) || duration < 1 || duration > MAX_DURATION_DAYS) {
    throw invalid(`duration must be -1 (never expires) or a whole number of days from 1 to ${MAX_DURATION_DAYS}`);
  }
  return duration;
}

/**
 * Harbor's permission list. Every access must name a pair a robot may hold at that kind's scope (exact names, no
 * wildcards). A project robot has exactly one block, of kind `project`, naming one project; a system robot may
 * combine a `system` block (namespace `/`) with project blocks naming a project or `*` (every project).
 */
function parsePermissions(value: readonly RequestedPermission[] | undefined, level: RobotLevel): RobotPermission[] {
  if (value === undefined || value.length === 0) throw invalid('permissions must list at least one permission');
  if (value.length > MAX_PERMISSIONS) throw invalid(`permissions may list at most ${MAX_PERMISSIONS} entries`);
  const permissions = value.map((entry) => parsePermission(entry));
  if (level === 'project') {
    const [only] = permissions;
    if (permissions.length !== 1 || only?.kind !== 'project' || only.namespace === '*') {
      throw invalid('a project robot has exactly one permission, of kind "project", naming its project');
    }
  }
  return permissions;
}

function parsePermission(entry: RequestedPermission): RobotPermission {
  const { kind, namespace, access } = entry;
  if (kind !== 'project' && kind !== 'system') throw invalid('permission kind must be "project" or "system"');
  let scope: string;
  if (kind === 'system') {
    if (namespace !== undefined && namespace !== '' && namespace !== '/') {
      throw invalid('a permission of kind "system" has the namespace "/"');
    }
    scope = '/';
  } else {
    if (namespace === undefined || namespace === '') {
      throw invalid('a permission of kind "project" names a project (or "*") as its namespace');
    }
    scope = namespace;
  }
  if (access.length === 0) throw invalid('each permission must list at least one access');
  if (access.length > MAX_ACCESS) throw invalid(`a permission may list at most ${MAX_ACCESS} accesses`);
  const seen = new Set<string>();
  const accesses: RobotAccess[] = [];
  for (const item of access) {
    const parsed = parseAccess(item, kind);
    const key = `${parsed.resource}:${parsed.action}:${parsed.effect ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    accesses.push(parsed);
  }
  return { kind, namespace: scope, access: accesses };
}

function parseAccess(item: RequestedAccess, kind: 'project' | 'system'): RobotAccess {
  const { resource, action, effect } = item;
  if (!robotMayHold(kind, resource, action)) {
    throw invalid(`a robot cannot be granted ${resource}:${action} at ${kind} scope`);
  }
  if (effect === undefined || effect === '') return { resource, action };
  if (effect !== 'allow' && effect !== 'deny') throw invalid('an access effect must be "allow" or "deny"');
  return { resource, action, effect };
}
