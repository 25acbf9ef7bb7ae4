/**
 * Resource and action names of the permission model, spelled as Harbor spells them
 * (harbor src/common/rbac/const.go), so robot permission lists and API payloads written for Harbor
 * mean the same thing here.
 *
 * One deliberate renaming: Harbor addresses "the project itself" with the empty resource name
 * (ResourceSelf, ""); Wharf calls it `project`. At project scope `project` read/update/delete act on
 * that project; at system scope `project` create/list act on the set of projects, as in Harbor.
 */

export const ACTIONS = [
  '*', // matches every action (robot permission lists only)
  'pull',
  'push',
  'create',
  'read',
  'update',
  'delete',
  'list',
  'operate',
  'scanner-pull',
  'stop',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Resources that live inside one project (Harbor's /project/:id/... namespace). */
export const PROJECT_RESOURCES = [
  'project',
  'accessory',
  'artifact',
  'artifact-addition',
  'artifact-label',
  'configuration',
  'export-cve',
  'immutable-tag',
  'label',
  'log',
  'member',
  'metadata',
  'notification-policy',
  'preheat-policy',
  'quota',
  'repository',
  'robot',
  'sbom',
  'scan',
  'scanner',
  'tag',
  'tag-retention',
] as const;
export type ProjectResource = (typeof PROJECT_RESOURCES)[number];

/** Resources that belong to the registry as a whole (Harbor's /system namespace). */
export const SYSTEM_RESOURCES = [
  'audit-log',
  'catalog',
  'configuration',
  'export-cve',
  'garbage-collection',
  'jobservice-monitor',
  'label',
  'ldap-user',
  'preheat-instance',
  'project',
  'purge-audit',
  'quota',
  'registry',
  'replication',
  'replication-adapter',
  'replication-policy',
  'robot',
  'scan-all',
  'scanner',
  'security-hub',
  'system-volumes',
  'user',
  'user-group',
] as const;
export type SystemResource = (typeof SYSTEM_RESOURCES)[number];

/** Any resource name, plus `*`, which in a robot permission list matches every resource. */
export type Resource = ProjectResource | SystemResource | '*';

const ACTION_SET: ReadonlySet<string> = new Set(ACTIONS);
const PROJECT_RESOURCE_SET: ReadonlySet<string> = new Set(PROJECT_RESOURCES);
const SYSTEM_RESOURCE_SET: ReadonlySet<string> = new Set(SYSTEM_RESOURCES);

export function isAction(value: string): value is Action {
  return ACTION_SET.has(value);
}

export function isProjectResource(value: string): value is ProjectResource {
  return PROJECT_RESOURCE_SET.has(value);
}

export function isSystemResource(value: string): value is SystemResource {
  return SYSTEM_RESOURCE_SET.has(value);
}
