import { roleChoices, type MemberGroupRequest, type MemberRequest } from '../../services/members.js';
import { HarborError } from '../error-handler.js';
import type { JsonBody } from './request-parts.js';

function invalid(message: string): HarborError {
  return new HarborError('BAD_REQUEST', message);
}

function objectOrAbsent(field: string, value: unknown): JsonBody | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${field} must be an object`);
  return value as JsonBody;
}

/** `role_id` as an integer; which roles exist is services/members.ts's rule. */
export function roleIdOf(body: JsonBody): number | undefined {
  const value = body.role_id;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(`role_id must be one of ${roleChoices()}`);
  return value;
}

/** Harbor's UserGroup in a ProjectMember body: `id`, or `group_type` with `group_name` (LDAP: `ldap_group_dn`). */
function groupOf(group: JsonBody): MemberGroupRequest {
  const { id, group_name: name, group_type: type, ldap_group_dn: ldapDn } = group;
  if (name !== undefined && name !== null && typeof name !== 'string') throw invalid('group_name must be a string');
  if (ldapDn !== undefined && ldapDn !== null && typeof ldapDn !== 'string') {
    throw invalid('ldap_group_dn must be a string');
  }
  return {
    ...(typeof id === 'number' && Number.isInteger(id) && id > 0 && { id }),
    ...(typeof type === 'number' && { type }),
    ...(typeof name === 'string' && name !== '' && { name }),
    ...(typeof ldapDn === 'string' && ldapDn !== '' && { ldapDn }),
  };
}

/**
 * Harbor's ProjectMember body (`role_id`, `member_user` with `user_id` or `username`, `member_group`) as typed values.
 * A `user_id` that is not a positive integer and an empty `username` name nobody, as in Harbor.
 */
export function memberRequestOf(body: JsonBody): MemberRequest {
  const roleId = roleIdOf(body);
  const memberGroup = objectOrAbsent('member_group', body.member_group);
  const memberUser = objectOrAbsent('member_user', body.member_user);
  const id = memberUser?.user_id;
  const username = memberUser?.username;
  const userId = typeof id === 'number' && Number.isInteger(id) && id > 0 ? id : undefined;
  return {
    ...(roleId !== undefined && { roleId }),
    ...(memberGroup && { group: groupOf(memberGroup) }),
    ...(userId !== undefined && { userId }),
    ...(typeof username === 'string' && username !== '' && { username }),
  };
}
