import { apiCall, apiJson } from './http';
import type { UserCreationReq, UserProfile, UserResp, UserSearchRespItem } from './models';
import { apiPage, type ListQuery, type Page } from './paging';

export function listUsers(query: ListQuery): Promise<Page<UserResp>> {
  return apiPage<UserResp>('/users', query);
}

/** Users whose name contains `username` (for adding members). */
export async function searchUsers(username: string): Promise<UserSearchRespItem[]> {
  const page = await apiPage<UserSearchRespItem>('/users/search', { page: 1, pageSize: 10 }, { query: { username } });
  return page.items;
}

/** Creates a user; anonymous callers may do so when self-registration is on. */
export function createUser(user: UserCreationReq): Promise<void> {
  return apiCall('/users', { method: 'POST', json: user });
}

export function setSysadmin(userId: number, sysadmin: boolean): Promise<void> {
  return apiCall(`/users/${userId}/sysadmin`, { method: 'PUT', json: { sysadmin_flag: sysadmin } });
}

/** Changes a password: one's own needs the old one, an administrator resetting another user's does not. */
export function setPassword(userId: number, newPassword: string, oldPassword?: string): Promise<void> {
  return apiCall(`/users/${userId}/password`, {
    method: 'PUT',
    json: { new_password: newPassword, ...(oldPassword === undefined ? {} : { old_password: oldPassword }) },
  });
}

export function deleteUser(userId: number): Promise<void> {
  return apiCall(`/users/${userId}`, { method: 'DELETE' });
}

export function getCurrentUser(): Promise<UserResp> {
  return apiJson<UserResp>('/users/current');
}

/** Changes a user's e-mail, full name and comment (oneself, or any user for an administrator). */
export function updateProfile(userId: number, profile: UserProfile): Promise<void> {
  return apiCall(`/users/${userId}`, { method: 'PUT', json: profile });
}
