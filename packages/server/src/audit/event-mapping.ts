import type { DomainEvent, DomainEventType, Operator } from '../domain/events.js';

/**
 * What an audit record says of one event, before its project id is resolved: Harbor's operation (create, delete,
 * update, pull, login, logout), its resource type and resource, a description, and the result.
 */
export interface AuditEntry {
  readonly operation: string;
  readonly resourceType: string;
  readonly resource: string;
  readonly description: string;
  readonly success: boolean;
  /** The project the record belongs to, by id when the event names it. */
  readonly projectId?: number | undefined;
  /** …or by name (repository events: the first path segment), resolved when the record is written. */
  readonly projectName?: string | undefined;
  readonly username: string;
  readonly operatorKind: 'user' | 'robot' | 'anonymous' | 'system';
  readonly clientIp: string | null;
  readonly opTime: number;
}

/** Harbor's ext event type of an entry: `<operation>_<resource type>` (create_artifact, login_user, …). */
export function eventTypeOf(entry: Pick<AuditEntry, 'operation' | 'resourceType'>): string {
  return `${entry.operation}_${entry.resourceType}`;
}

/** Harbor's own ext event types (`/auditlog-exts/events` of Harbor 2.13+), first, in Harbor's order. */
export const HARBOR_EVENT_TYPES = [
  'create_artifact',
  'delete_artifact',
  'pull_artifact',
  'create_project',
  'delete_project',
  'delete_repository',
  'login_user',
  'logout_user',
  'create_user',
  'delete_user',
  'update_user',
  'create_robot',
  'delete_robot',
  'update_configure',
] as const;

/** The event types Wharf records beyond Harbor's (Harbor's legacy log and Wharf's other changes). */
export const WHARF_EVENT_TYPES = [
  'update_project',
  'update_repository',
  'create_tag',
  'delete_tag',
  'update_robot',
  'create_project_member',
  'update_project_member',
  'delete_project_member',
  'create_label',
  'update_label',
  'delete_label',
  'create_artifact_label',
  'delete_artifact_label',
  'create_immutable_rule',
  'update_immutable_rule',
  'delete_immutable_rule',
  'update_quota',
  'create_tag_retention',
  'update_tag_retention',
  'delete_tag_retention',
  'create_webhook_policy',
  'update_webhook_policy',
  'delete_webhook_policy',
  'create_personal_token',
  'delete_personal_token',
  'update_schedule',
  'delete_schedule',
] as const;

export const AUDIT_EVENT_TYPES: readonly string[] = [...HARBOR_EVENT_TYPES, ...WHARF_EVENT_TYPES];

/** Resource types of Harbor's legacy log (`/audit-logs`, `/projects/{name}/logs`): repository content. */
export const LEGACY_RESOURCE_TYPES: readonly string[] = ['artifact', 'tag', 'repository', 'project'];

/** The domain events the audit log subscribes to. */
export const AUDITED_EVENT_TYPES = [
  'artifact.pushed',
  'artifact.deleted',
  'artifact.pulled',
  'tag.created',
  'tag.moved',
  'tag.deleted',
  'repository.deleted',
  'repository.updated',
  'project.created',
  'project.updated',
  'project.deleted',
  'member.added',
  'member.updated',
  'member.removed',
  'robot.created',
  'robot.updated',
  'robot.deleted',
  'user.created',
  'user.updated',
  'user.deleted',
  'user.password_changed',
  'configuration.updated',
  'immutable_rule.created',
  'immutable_rule.updated',
  'immutable_rule.deleted',
  'label.created',
  'label.updated',
  'label.deleted',
  'artifact.labeled',
  'artifact.unlabeled',
  'quota.updated',
  'retention.created',
  'retention.updated',
  'retention.deleted',
  'webhook_policy.created',
  'webhook_policy.updated',
  'webhook_policy.deleted',
  'personal_token.created',
  'personal_token.deleted',
  'schedule.updated',
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.throttled',
  'auth.logout',
] as const satisfies readonly DomainEventType[];

const VERB = { created: 'create', updated: 'update', deleted: 'delete', added: 'create', removed: 'delete' } as const;

function verbOf(type: string): string {
  const suffix = type.slice(type.indexOf('.') + 1) as keyof typeof VERB;
  return VERB[suffix] ?? 'update';
}

function projectOf(repository: string): string {
  return repository.split('/', 1)[0]!;
}

function reference(repository: string, digest: string, tag?: string): string {
  return tag ? `${repository}:${tag}` : `${repository}@${digest}`;
}

function operator(by: Operator | undefined): Pick<AuditEntry, 'username' | 'operatorKind' | 'clientIp'> {
  if (!by) return { username: 'system', operatorKind: 'system', clientIp: null };
  return { username: by.name, operatorKind: by.kind, clientIp: by.origin?.clientIp ?? null };
}

type Core = Omit<AuditEntry, 'username' | 'operatorKind' | 'clientIp' | 'opTime' | 'success'> & {
  success?: boolean;
};

/** The entry of one event, or undefined for events the audit log does not record. */
export function auditEntryOf(event: DomainEvent): AuditEntry | undefined {
  const core = coreOf(event);
  if (!core) return undefined;
  let who = operator(event.by);
  if (event.type.startsWith('auth.') && 'principal' in event) {
    who = { username: event.principal, operatorKind: event.principalKind, clientIp: event.clientIp };
  }
  return { success: true, ...core, ...who, opTime: event.at };
}

function coreOf(event: DomainEvent): Core | undefined {
  switch (event.type) {
    case 'artifact.pushed':
      return {
        operation: 'create',
        resourceType: 'artifact',
        resource: reference(event.repository, event.digest, event.tag),
        description: `push artifact ${event.digest}${event.tag ? ` with tag ${event.tag}` : ''}`,
        projectName: projectOf(event.repository),
      };
    case 'artifact.deleted':
      return {
        operation: 'delete',
        resourceType: 'artifact',
        resource: `${event.repository}@${event.digest}`,
        description: `delete artifact ${event.digest}${event.tags.length ? ` (tags ${event.tags.join(', ')})` : ''}`,
        projectName: projectOf(event.repository),
      };
    case 'artifact.pulled':
      return {
        operation: 'pull',
        resourceType: 'artifact',
        resource: reference(event.repository, event.digest, event.tag),
        description: `pull artifact ${event.digest}`,
        projectName: projectOf(event.repository),
      };
    case 'tag.created':
    case 'tag.moved':
      return {
        operation: 'create',
        resourceType: 'tag',
        resource: `${event.repository}:${event.tag}`,
        description: `${event.type === 'tag.moved' ? 'move' : 'create'} tag ${event.tag} to ${event.digest}`,
        projectName: projectOf(event.repository),
      };
    case 'tag.deleted':
      return {
        operation: 'delete',
        resourceType: 'tag',
        resource: `${event.repository}:${event.tag}`,
        description: `delete tag ${event.tag}`,
        projectName: projectOf(event.repository),
      };
    case 'repository.deleted':
    case 'repository.updated':
      return {
        operation: verbOf(event.type),
        resourceType: 'repository',
        resource: event.repository,
        description: `${verbOf(event.type)} repository ${event.repository}`,
        projectName: projectOf(event.repository),
      };
    case 'project.created':
    case 'project.updated':
    case 'project.deleted':
      return {
        operation: verbOf(event.type),
        resourceType: 'project',
        resource: event.project,
        description: `${verbOf(event.type)} project ${event.project}`,
        projectId: event.projectId,
      };
    case 'member.added':
    case 'member.updated':
    case 'member.removed':
      return {
        operation: verbOf(event.type),
        resourceType: 'project_member',
        resource: event.entity,
        description: `${verbOf(event.type)} member ${event.entity}${event.roleId ? ` (role ${event.roleId})` : ''}`,
        projectId: event.projectId,
      };
    case 'robot.created':
    case 'robot.updated':
    case 'robot.deleted':
      return {
        operation: verbOf(event.type),
        resourceType: 'robot',
        resource: event.robot,
        description: `${verbOf(event.type)} robot ${event.robot}`,
      };
    case 'user.created':
    case 'user.updated':
    case 'user.deleted':
      return {
        operation: verbOf(event.type),
        resourceType: 'user',
        resource: event.username,
        description: `${verbOf(event.type)} user ${event.username}`,
      };
    case 'user.password_changed':
      return {
        operation: 'update',
        resourceType: 'user',
        resource: event.username,
        description: `change the password of user ${event.username}`,
      };
    case 'configuration.updated':
      return {
        operation: 'update',
        resourceType: 'configure',
        resource: 'configuration',
        description: `update configuration ${event.keys.join(', ')}`,
      };
    case 'immutable_rule.created':
    case 'immutable_rule.updated':
    case 'immutable_rule.deleted':
      return {
        operation: verbOf(event.type),
        resourceType: 'immutable_rule',
        resource: String(event.ruleId),
        description: `${verbOf(event.type)} immutable tag rule ${event.ruleId}`,
        projectId: event.projectId,
      };
    case 'label.created':
    case 'label.updated':
    case 'label.deleted':
      return {
        operation: verbOf(event.type),
        resourceType: 'label',
        resource: event.label,
        description: `${verbOf(event.type)} ${event.scope === 'g' ? 'global' : 'project'} label ${event.label}`,
        projectId: event.projectId,
      };
    case 'artifact.labeled':
    case 'artifact.unlabeled':
      return {
        operation: event.type === 'artifact.labeled' ? 'create' : 'delete',
        resourceType: 'artifact_label',
        resource: `${event.repository}@${event.digest}`,
        description: `${event.type === 'artifact.labeled' ? 'add' : 'remove'} label ${event.label}`,
        projectName: projectOf(event.repository),
      };
    case 'quota.updated':
      return {
        operation: 'update',
        resourceType: 'quota',
        resource: event.project,
        description: `set the storage limit of project ${event.project} to ${event.hard}`,
        projectId: event.projectId,
      };
    case 'retention.created':
    case 'retention.updated':
    case 'retention.deleted':
      return {
        operation: verbOf(event.type),
        resourceType: 'tag_retention',
        resource: String(event.policyId),
        description: `${verbOf(event.type)} tag retention policy ${event.policyId}`,
        projectId: event.projectId,
      };
    case 'webhook_policy.created':
    case 'webhook_policy.updated':
    case 'webhook_policy.deleted':
      return {
        operation: verbOf(event.type),
        resourceType: 'webhook_policy',
        resource: event.name,
        description: `${verbOf(event.type)} webhook policy ${event.name}`,
        projectId: event.projectId,
      };
    case 'personal_token.created':
    case 'personal_token.deleted':
      return {
        operation: verbOf(event.type),
        resourceType: 'personal_token',
        resource: `${event.username}/${event.name}`,
        description: `${event.type === 'personal_token.created' ? 'create' : 'revoke'} personal access token ${
          event.name
        } of ${event.username}`,
      };
    case 'schedule.updated': {
      const target = event.vendorId === undefined ? event.vendorType : `${event.vendorType}/${event.vendorId}`;
      return event.cron === null
        ? { operation: 'delete', resourceType: 'schedule', resource: target, description: `remove schedule` }
        : {
            operation: 'update',
            resourceType: 'schedule',
            resource: target,
            description: `schedule ${event.cron}`,
          };
    }
    case 'auth.login_succeeded':
      // Harbor audits sign-ins to the portal; every API or registry request authenticates too and is not one.
      if (event.channel !== 'session') return undefined;
      return { operation: 'login', resourceType: 'user', resource: event.principal, description: 'login' };
    case 'auth.login_failed':
    case 'auth.throttled':
      return {
        operation: 'login',
        resourceType: 'user',
        resource: event.principal,
        description: `${event.type === 'auth.throttled' ? 'login throttled' : 'login failed'}${
          event.reason ? `: ${event.reason}` : ''
        }${event.channel ? ` (${event.channel})` : ''}`,
        success: false,
      };
    case 'auth.logout':
      return { operation: 'logout', resourceType: 'user', resource: event.principal, description: 'logout' };
    // Not audited: blob traffic (part of a push or pull), quota levels (no operator's act), job executions (the
    // changes a job makes are audited themselves).
    case 'blob.pushed':
    case 'blob.mounted':
    case 'blob.deleted':
    case 'blob.pulled':
    case 'quota.warning':
    case 'quota.exceeded':
    case 'execution.started':
    case 'execution.finished':
      return undefined;
  }
}
