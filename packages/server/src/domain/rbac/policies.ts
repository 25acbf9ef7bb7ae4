/**
 * The permission matrix: the single source of truth for every authorisation decision.
 *
 * Transcribed from Harbor's rolePoliciesMap (src/common/rbac/project/rbac_role.go as of Harbor main after
 * Helm charts were removed, with SBOM and CVE-export permissions), its public-project policies
 * (src/common/rbac/project/rbac_util.go), and the permissions a robot account may be granted
 * (PoliciesMap in src/common/rbac/const.go). Harbor's empty "self" resource is `project` here.
 * rbac.test.ts pins representative cells of every row so a change to this file is a visible decision.
 */
import type { Action, ProjectResource, SystemResource } from './resources.js';
import type { ProjectRole } from './roles.js';

export type ProjectGrants = Readonly<Partial<Record<ProjectResource, readonly Action[]>>>;
export type SystemGrants = Readonly<Partial<Record<SystemResource, readonly Action[]>>>;

const CRUDL = ['create', 'read', 'update', 'delete', 'list'] as const;

export const ROLE_POLICIES: Readonly<Record<ProjectRole, ProjectGrants>> = {
  projectAdmin: {
    project: ['read', 'update', 'delete'],
    member: CRUDL,
    metadata: CRUDL,
    log: ['list'],
    label: CRUDL,
    quota: ['read'],
    repository: ['create', 'read', 'update', 'delete', 'list', 'pull', 'push'],
    'tag-retention': [...CRUDL, 'operate'],
    'immutable-tag': ['create', 'update', 'delete', 'list'],
    configuration: ['read', 'update'],
    robot: CRUDL,
    'notification-policy': CRUDL,
    scan: ['create', 'read', 'stop'],
    sbom: ['create', 'read', 'stop'],
    scanner: ['create', 'read'],
    artifact: ['create', 'read', 'delete', 'list'],
    'artifact-addition': ['read'],
    tag: ['create', 'delete', 'list'],
    accessory: ['list'],
    'artifact-label': ['create', 'delete'],
    'preheat-policy': CRUDL,
    'export-cve': ['create', 'read', 'list'],
  },
  maintainer: {
    project: ['read'],
    member: ['read', 'list'],
    metadata: ['read'],
    quota: ['read'],
    label: CRUDL,
    repository: ['create', 'read', 'update', 'delete', 'list', 'pull', 'push'],
    'tag-retention': [...CRUDL, 'operate'],
    accessory: ['list'],
    'immutable-tag': ['create', 'update', 'delete', 'list'],
    configuration: ['read'],
    robot: ['read', 'list'],
    'notification-policy': ['read', 'list'],
    scan: ['create', 'read', 'stop'],
    sbom: ['create', 'read', 'stop'],
    scanner: ['read'],
    artifact: ['create', 'read', 'delete', 'list'],
    'artifact-addition': ['read'],
    tag: ['create', 'delete', 'list'],
    'artifact-label': ['create', 'delete'],
    'export-cve': ['create', 'read', 'list'],
  },
  developer: {
    project: ['read'],
    member: ['read', 'list'],
    label: ['read', 'list'],
    quota: ['read'],
    repository: ['create', 'read', 'update', 'list', 'pull', 'push'],
    'tag-retention': [...CRUDL, 'operate'],
    configuration: ['read'],
    robot: ['read', 'list'],
    scan: ['read'],
    sbom: ['read'],
    scanner: ['read'],
    artifact: ['create', 'read', 'list'],
    'artifact-addition': ['read'],
    tag: ['create', 'list'],
    accessory: ['list'],
    'artifact-label': ['create', 'delete'],
    'export-cve': ['create', 'read', 'list'],
  },
  guest: {
    project: ['read'],
    member: ['read', 'list'],
    label: ['read', 'list'],
    quota: ['read'],
    repository: ['read', 'list', 'pull'],
    configuration: ['read'],
    robot: ['read', 'list'],
    scan: ['read'],
    sbom: ['read'],
    scanner: ['read'],
    tag: ['list'],
    accessory: ['list'],
    artifact: ['read', 'list'],
    'artifact-addition': ['read'],
  },
  limitedGuest: {
    project: ['read'],
    quota: ['read'],
    repository: ['read', 'list', 'pull'],
    configuration: ['read'],
    scan: ['read'],
    sbom: ['read'],
    scanner: ['read'],
    tag: ['list'],
    accessory: ['list'],
    artifact: ['read', 'list'],
    'artifact-addition': ['read'],
  },
};

/** What anyone, signed in or not, may do in a public project (in addition to their own grants). */
export const PUBLIC_PROJECT_POLICIES: ProjectGrants = {
  project: ['read'],
  label: ['read', 'list'],
  repository: ['list', 'pull'],
  scan: ['read'],
  scanner: ['read'],
  tag: ['list'],
  artifact: ['read', 'list'],
  'artifact-addition': ['read'],
};

/** Permissions a robot account may hold inside a project (Harbor's PoliciesMap["Project"]). */
export const ROBOT_PROJECT_GRANTABLE: ProjectGrants = {
  log: ['list'],
  project: ['read', 'update', 'delete'],
  metadata: CRUDL,
  repository: ['read', 'update', 'delete', 'list', 'pull', 'push'],
  artifact: ['create', 'read', 'delete', 'list'],
  scan: ['create', 'read', 'stop'],
  tag: ['create', 'delete', 'list'],
  accessory: ['list'],
  'artifact-addition': ['read'],
  'artifact-label': ['create', 'delete'],
  scanner: ['create', 'read'],
  'preheat-policy': CRUDL,
  'immutable-tag': ['create', 'update', 'delete', 'list'],
  'notification-policy': CRUDL,
  'tag-retention': CRUDL,
  label: CRUDL,
  quota: ['read'],
};

/** Permissions a system-level robot account may hold at system scope (Harbor's PoliciesMap["System"]). */
export const ROBOT_SYSTEM_GRANTABLE: SystemGrants = {
  'audit-log': ['list'],
  'preheat-instance': CRUDL,
  project: ['create', 'list'],
  'replication-policy': CRUDL,
  replication: ['create', 'read', 'list'],
  'replication-adapter': ['list'],
  registry: CRUDL,
  'scan-all': ['create', 'read', 'update', 'stop'],
  'system-volumes': ['read'],
  'garbage-collection': ['create', 'read', 'update', 'list', 'stop'],
  'purge-audit': ['create', 'read', 'update', 'list', 'stop'],
  'jobservice-monitor': ['list', 'stop'],
  scanner: CRUDL,
  label: ['create', 'read', 'update', 'delete'],
  'security-hub': ['read', 'list'],
  catalog: ['read'],
  quota: ['read', 'list'],
};

/** Whether `grants` allows `action` on `resource` (exact names; wildcards are a robot-list matter). */
export function grantsAllow<R extends string>(
  grants: Readonly<Partial<Record<R, readonly Action[]>>>,
  resource: R,
  action: Action,
): boolean {
  return grants[resource]?.includes(action) ?? false;
}
