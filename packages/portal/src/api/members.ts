import { apiCall } from './http';
import type { GroupProjectMember, UserGroup } from './identity-models';
import type { ProjectMember, ProjectMemberEntity } from './models';
import { apiPage, type ListQuery, type Page } from './paging';
import { BY_NAME, projectPath } from './projects';

/** Harbor's project roles by id. */
export const ROLES = { projectAdmin: 1, developer: 2, guest: 3, maintainer: 4, limitedGuest: 5 } as const;
export type RoleName = keyof typeof ROLES;
export type RoleId = (typeof ROLES)[RoleName];

export function roleNameOf(roleId: number | undefined): RoleName | undefined {
  return (Object.keys(ROLES) as RoleName[]).find((name) => ROLES[name] === roleId);
}

/** Members of a project; `q` here is Harbor's `entityname` (a substring of the member's name). */
export function listMembers(project: string, query: ListQuery): Promise<Page<ProjectMemberEntity>> {
  const { q, ...paging } = query;
  return apiPage<ProjectMemberEntity>(`${projectPath(project)}/members`, paging, {
    headers: BY_NAME,
    query: { entityname: q || undefined },
  });
}

export function addMember(project: string, username: string, roleId: RoleId): Promise<void> {
  const member: ProjectMember = { role_id: roleId, member_user: { username } };
  return apiCall(`${projectPath(project)}/members`, { method: 'POST', json: member, headers: BY_NAME });
}

export function updateMemberRole(project: string, memberId: number, roleId: RoleId): Promise<void> {
  return apiCall(`${projectPath(project)}/members/${memberId}`, {
    method: 'PUT',
    json: { role_id: roleId },
    headers: BY_NAME,
  });
}

export function removeMember(project: string, memberId: number): Promise<void> {
  return apiCall(`${projectPath(project)}/members/${memberId}`, { method: 'DELETE', headers: BY_NAME });
}

/** Adds a user group (found with searchUserGroups) to the project with a role. */
export function addGroupMember(project: string, group: UserGroup, roleId: RoleId): Promise<void> {
  const member: GroupProjectMember = { role_id: roleId, member_group: group };
  return apiCall(`${projectPath(project)}/members`, { method: 'POST', json: member, headers: BY_NAME });
}
