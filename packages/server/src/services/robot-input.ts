/**
 * Harbor's rules for the fields of a robot account request (RobotCreate, Robot, RobotSec): they become typed values
 * here or an InvalidError (400) naming the field. What the caller may do with them is services/robots.ts's concern.
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

type Body = Readonly<Record<string, unknown>>;

function invalid(message: string): InvalidError {
  return new InvalidError('field', message);
}

export function parseRobotCreation(input: Body): RobotCreation {
  const level = parseLevel(input.level);
  if (typeof input.name !== 'string' || input.name === '') throw invalid('name is required');
  if (!ROBOT_NAME.test(input.name)) {
    throw invalid('name must be lower-case letters and digits, in words joined by a single ".", "_" or "-"');
  }
  if (input.duration === undefined || input.duration === null) {
    throw invalid('duration is required: -1 (never expires) or a number of days');
  }
  const secret = input.secret === undefined || input.secret === '' ? undefined : validateRobotSecret(input.secret);
  return {
    name: input.name,
    description: parseDescription(input.description) ?? '',
    level,
    disabled: parseDisable(input.disable) ?? false,
    durationDays: parseDuration(input.duration),
    secret,
    permissions: parsePermissions(input.permissions, level),
  };
}

export function parseRobotChange(input: Body, level: RobotLevel): RobotChange {
  const change: { -readonly [K in keyof RobotChange]: RobotChange[K] } = {};
  if (input.name !== undefined) {
    if (typeof input.name !== 'string') throw invalid('name must be a string');
    change.name = input.name;
  }
  if (input.level !== undefined) change.level = parseLevel(input.level);
  const description = parseDescription(input.description);
  if (description !== undefined) change.description = description;
  const disabled = parseDisable(input.disable);
  if (disabled !== undefined) change.disabled = disabled;
  if (input.duration !== undefined && input.duration !== null) change.durationDays = parseDuration(input.duration);
  if (input.permissions !== undefined && input.permissions !== null) {
    change.permissions = parsePermissions(input.permissions, level);
  }
  return change;
}

/** A secret chosen by a person must pass the password policy, as in Harbor. */
export function validateRobotSecret(secret: unknown): string {
  if (typeof secret !== 'string') throw invalid('secret must be a string');
  const check = checkPassword(secret);
  if (!check.ok) throw invalid(check.message.replace(/^the password/, 'the secret'));
  return secret;
}

function parseLevel(level: unknown): RobotLevel {
  if (level !== 'system' && level !== 'project') throw invalid('level must be "system" or "project"');
  return level;
}

function parseDescription(description: unknown): string | undefined {
  if (description === undefined || description === null) return undefined;
  if (typeof description !== 'string' || [...description].length > MAX_DESCRIPTION_LENGTH) {
    throw invalid(`description must be text of at most ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  return description;
}

function parseDisable(disable: unknown): boolean | undefined {
  if (disable === undefined || disable === null) return undefined;
  if (typeof disable !== 'boolean') throw invalid('disable must be true or false');
  return disable;
}

/** Harbor's `duration`: -1 never expires, otherwise a positive number of days. */
function parseDuration(duration: unknown): number | null {
  if (duration === -1) return null;
  if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 1 || duration > MAX_DURATION_DAYS) {
    throw invalid(`duration must be -1 (never expires) or a whole number of days from 1 to ${MAX_DURATION_DAYS}`);
  }
  return duration;
}

/**
 * Harbor's permission list. Every access must name a pair a robot may hold at that kind's scope (exact names, no
 * wildcards). A project robot has exactly one block, of kind `project`, naming one project; a system robot may
 * combine a `system` block (namespace `/`) with project blocks naming a project or `*` (every project).
 */
function parsePermissions(value: unknown, level: RobotLevel): RobotPermission[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid('permissions must list at least one permission');
  if (value.length > MAX_PERMISSIONS) throw invalid(`permissions may list at most ${MAX_PERMISSIONS} entries`);
  const permissions = value.map((entry: unknown) => parsePermission(entry));
  if (level === 'project') {
    const [only] = permissions;
    if (permissions.length !== 1 || only?.kind !== 'project' || only.namespace === '*') {
      throw invalid('a project robot has exactly one permission, of kind "project", naming its project');
    }
  }
  return permissions;
}

function parsePermission(entry: unknown): RobotPermission {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw invalid('each permission must be an object with kind, namespace and access');
  }
  const { kind, namespace, access } = entry as Body;
  if (kind !== 'project' && kind !== 'system') throw invalid('permission kind must be "project" or "system"');
  let scope: string;
  if (kind === 'system') {
    if (namespace !== undefined && namespace !== '' && namespace !== '/') {
      throw invalid('a permission of kind "system" has the namespace "/"');
    }
    scope = '/';
  } else {
    if (typeof namespace !== 'string' || namespace === '') {
      throw invalid('a permission of kind "project" names a project (or "*") as its namespace');
    }
    scope = namespace;
  }
  if (!Array.isArray(access) || access.length === 0) throw invalid('each permission must list at least one access');
  if (access.length > MAX_ACCESS) throw invalid(`a permission may list at most ${MAX_ACCESS} accesses`);
  const seen = new Set<string>();
  const accesses: RobotAccess[] = [];
  for (const item of access as unknown[]) {
    const parsed = parseAccess(item, kind);
    const key = `${parsed.resource}:${parsed.action}:${parsed.effect ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    accesses.push(parsed);
  }
  return { kind, namespace: scope, access: accesses };
}

function parseAccess(item: unknown, kind: 'project' | 'system'): RobotAccess {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw invalid('each access must be an object with resource and action');
  }
  const { resource, action, effect } = item as Body;
  if (typeof resource !== 'string' || typeof action !== 'string') {
    throw invalid('each access must name a resource and an action');
  }
  if (!robotMayHold(kind, resource, action)) {
    throw invalid(`a robot cannot be granted ${resource}:${action} at ${kind} scope`);
  }
  if (effect === undefined || effect === null || effect === '') return { resource, action };
  if (effect !== 'allow' && effect !== 'deny') throw invalid('an access effect must be "allow" or "deny"');
  return { resource, action, effect };
}
