import type { ProfileChange, UserCreation } from '../../services/users.js';
import { HarborError } from '../error-handler.js';
import type { JsonBody } from './request-parts.js';

/**
 * Harbor's user request bodies (UserCreationReq, UserProfile, PasswordReq, SysAdminFlag) as typed values: the JSON
 * types of their fields are checked here; the rules for what they hold (username characters, email shape, lengths,
 * the password policy) are services/user-input.ts's.
 */
function invalid(message: string): HarborError {
  return new HarborError('BAD_REQUEST', message);
}

/** A string field; undefined when absent or null. */
function text(body: JsonBody, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  return value;
}

export function userCreationOf(body: JsonBody): UserCreation {
  const username = text(body, 'username');
  const email = text(body, 'email');
  const realname = text(body, 'realname');
  const comment = text(body, 'comment');
  const password = text(body, 'password');
  return {
    ...(username !== undefined && { username }),
    ...(email !== undefined && { email }),
    ...(realname !== undefined && { realname }),
    ...(comment !== undefined && { comment }),
    ...(password !== undefined && { password }),
  };
}

/** A null email clears it, as an empty one does. */
export function profileChangeOf(body: JsonBody): ProfileChange {
  const email = body.email === null ? '' : text(body, 'email');
  const realname = text(body, 'realname');
  const comment = text(body, 'comment');
  return {
    ...(email !== undefined && { email }),
    ...(realname !== undefined && { realname }),
    ...(comment !== undefined && { comment }),
  };
}

export function passwordChangeOf(body: JsonBody): { oldPassword?: string; newPassword?: string } {
  const oldPassword = text(body, 'old_password');
  const newPassword = text(body, 'new_password');
  return {
    ...(oldPassword !== undefined && { oldPassword }),
    ...(newPassword !== undefined && { newPassword }),
  };
}

export function sysadminFlagOf(body: JsonBody): boolean {
  const flag = body.sysadmin_flag;
  if (typeof flag !== 'boolean') throw invalid('sysadmin_flag must be true or false');
  return flag;
}
