/**
 * Harbor's five project roles. The numeric ids are Harbor's (src/common/const.go: RoleProjectAdmin = 1,
 * RoleDeveloper = 2, RoleGuest = 3, RoleMaintainer = 4, RoleLimitedGuest = 5) and are what a project
 * member record stores; the names are Harbor's role names as the member API reports them.
 */
export const PROJECT_ROLE_IDS = {
  projectAdmin: 1,
  developer: 2,
  guest: 3,
  maintainer: 4,
  limitedGuest: 5,
} as const;

export type ProjectRole = keyof typeof PROJECT_ROLE_IDS;
export type ProjectRoleId = (typeof PROJECT_ROLE_IDS)[ProjectRole];

/** Every role, most to least privileged. */
export const PROJECT_ROLES: readonly ProjectRole[] = [
  'projectAdmin',
  'maintainer',
  'developer',
  'guest',
  'limitedGuest',
];

/** How the roles are shown to people (Harbor's portal labels). */
export const PROJECT_ROLE_LABELS: Readonly<Record<ProjectRole, string>> = {
  projectAdmin: 'Project Admin',
  maintainer: 'Maintainer',
  developer: 'Developer',
  guest: 'Guest',
  limitedGuest: 'Limited Guest',
};

export function roleFromId(id: number): ProjectRole | undefined {
  return PROJECT_ROLES.find((role) => PROJECT_ROLE_IDS[role] === id);
}

export function isProjectRole(value: string): value is ProjectRole {
  return Object.hasOwn(PROJECT_ROLE_IDS, value);
}
