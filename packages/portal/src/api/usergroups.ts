import { apiCall } from './http';
import type { UserGroup, UserGroupSearchItem } from './identity-models';
import { apiPage, type ListQuery, type Page } from './paging';

/** Every user group (administrators); `q` is a part of the group's name. */
export function listUserGroups(query: ListQuery): Promise<Page<UserGroup>> {
  const { q, ...paging } = query;
  return apiPage<UserGroup>('/usergroups', paging, { query: { group_name: q || undefined } });
}

/** Groups whose name contains `groupname`, for any signed-in user (adding a group to a project). */
export async function searchUserGroups(groupname: string): Promise<UserGroupSearchItem[]> {
  const page = await apiPage<UserGroupSearchItem>(
    '/usergroups/search',
    { page: 1, pageSize: 10 },
    { query: { groupname } },
  );
  return page.items;
}

export function createUserGroup(group: UserGroup): Promise<void> {
  return apiCall('/usergroups', { method: 'POST', json: group });
}

/** Renames a group (the only change Harbor allows). */
export function renameUserGroup(id: number, groupName: string): Promise<void> {
  return apiCall(`/usergroups/${id}`, { method: 'PUT', json: { group_name: groupName } });
}

export function deleteUserGroup(id: number): Promise<void> {
  return apiCall(`/usergroups/${id}`, { method: 'DELETE' });
}
