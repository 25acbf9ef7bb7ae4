import type {
  RequestedAccess,
  RequestedPermission,
  RobotChangeRequest,
  RobotCreationRequest,
} from '../../services/robot-input.js';
import { HarborError } from '../error-handler.js';
import type { JsonBody } from './request-parts.js';

/**
 * Harbor's robot request bodies (RobotCreate, Robot, RobotSec) as typed values: the JSON types of their fields are
 * checked here; what they may hold (name grammar, levels, durations, which permissions a robot may hold) is
 * services/robot-input.ts's. A null field is an absent one.
 */
function invalid(message: string): HarborError {
  return new HarborError('BAD_REQUEST', message);
}

export const absent = (value: unknown): value is undefined | null => value === undefined || value === null;

function isObject(value: unknown): value is JsonBody {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalString(body: JsonBody, field: string): string | undefined {
  const value = body[field];
  if (absent(value)) return undefined;
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  return value;
}

function accessOf(item: unknown): RequestedAccess {
  if (!isObject(item)) throw invalid('each access must be an object with resource and action');
  const { resource, action, effect } = item;
  if (typeof resource !== 'string' || typeof action !== 'string') {
    throw invalid('each access must name a resource and an action');
  }
  if (!absent(effect) && typeof effect !== 'string') throw invalid('an access effect must be "allow" or "deny"');
  return { resource, action, ...(!absent(effect) && { effect }) };
}

function permissionOf(entry: unknown): RequestedPermission {
  if (!isObject(entry)) throw invalid('each permission must be an object with kind, namespace and access');
  const { kind, namespace, access } = entry;
  if (typeof kind !== 'string') throw invalid('permission kind must be "project" or "system"');
  if (!absent(namespace) && typeof namespace !== 'string') throw invalid('a permission namespace must be a string');
  if (!Array.isArray(access)) throw invalid('each permission must list at least one access');
  return { kind, ...(!absent(namespace) && { namespace }), access: access.map(accessOf) };
}

/** Harbor's RobotPermission list (robots; personal access tokens' scopes too). */
export function permissionsOf(value: unknown): readonly RequestedPermission[] | undefined {
  if (absent(value)) return undefined;
  if (!Array.isArray(value)) throw invalid('permissions must list at least one permission');
  return value.map(permissionOf);
}

/** A Robot (PUT) body: every field optional. */
export function robotChangeRequestOf(body: JsonBody): RobotChangeRequest {
  const name = optionalString(body, 'name');
  const level = optionalString(body, 'level');
  const description = optionalString(body, 'description');
  const { disable, duration } = body;
  if (!absent(disable) && typeof disable !== 'boolean') throw invalid('disable must be true or false');
  if (!absent(duration) && typeof duration !== 'number') {
    throw invalid('duration must be -1 (never expires) or a whole number of days');
  }
  const permissions = permissionsOf(body.permissions);
  return {
    ...(name !== undefined && { name }),
    ...(level !== undefined && { level }),
    ...(description !== undefined && { description }),
    ...(!absent(disable) && { disable }),
    ...(!absent(duration) && { duration }),
    ...(permissions !== undefined && { permissions }),
  };
}

/** A RobotCreate (POST) body. */
export function robotCreationRequestOf(body: JsonBody): RobotCreationRequest {
  const secret = optionalString(body, 'secret');
  return { ...robotChangeRequestOf(body), ...(secret !== undefined && { secret }) };
}

/** A RobotSec (PATCH) body's `secret`; undefined without a body or a secret. */
export function robotSecretOf(body: JsonBody | undefined): string | undefined {
  return body === undefined ? undefined : optionalString(body, 'secret');
}
