import type { FastifyInstance } from 'fastify';
import type { AuditService } from '../../audit/audit-service.js';
import { registerAuditRoutes } from './audit-routes.js';
import type { PurgeAuditService } from '../../audit/purge-audit.js';
import { registerPurgeAuditRoutes } from './purge-audit-routes.js';
import { registerEmailRoutes } from './email-routes.js';
import type { EmailServerCheck } from '../../self-service/email-settings.js';
import type { ConfigurationService } from '../../services/configurations.js';
import type { PermissionService } from '../../services/permissions.js';
import { READ_ONLY_MESSAGE, type ReadOnlyGuard } from '../../services/read-only.js';
import { isExemptFromReadOnly, isWriteMethod } from '../credentials.js';
import type { RobotService } from '../../services/robots.js';
import type { UserService } from '../../services/users.js';
import { HarborError, sendHarborError } from '../error-handler.js';
import { registerConfigurationRoutes } from './configuration-routes.js';
import { registerPermissionRoutes } from './permission-routes.js';
import { registerQuotaRoutes } from './quota-routes.js';
import type { QuotaService } from '../../services/quotas/quotas.js';
import { registerRobotRoutes } from './robot-routes.js';
import { authenticate, securityOf, type ApiAuthentication } from './security.js';
import { operatorOf, type SecurityContext } from '../../services/authenticator.js';
import type { RateLimitHooks } from '../../rate-limits/http-hooks.js';
import type { ProjectServices } from '../../services/project-services.js';
import type { JobServiceMonitor } from '../../jobs/monitor.js';
import { registerJobServiceRoutes } from './jobservice-routes.js';
import type { GcService } from '../../gc/gc-service.js';
import { registerGcRoutes } from './gc-routes.js';
import { registerNotificationRoutes } from './notification-routes.js';
import type { NotificationStatusService } from '../../notifications/notification-status.js';
import { registerMemberRoutes } from './member-routes.js';
import { registerProjectRoutes } from './project-routes.js';
import { registerSearchRoutes } from './search-routes.js';
import { registerOpenApiRoutes } from './openapi-routes.js';
import type { RepositoryService } from '../../services/repositories.js';
import { registerArtifactRoutes, type ArtifactRoutesOptions } from './artifact-routes.js';
import { registerRepositoryRoutes } from './repository-routes.js';
import { registerSystemRoutes, type SystemRoutesOptions } from './system-routes.js';
import type { UserGroupService } from '../../services/identity/user-groups.js';
import { registerUserGroupRoutes } from './user-group-routes.js';
import { registerUserRoutes } from './user-routes.js';
import { registerImmutableRoutes } from './immutable-routes.js';
import { registerLabelRoutes } from './label-routes.js';
import { registerRetentionRoutes } from './retention-routes.js';
import { registerWebhookRoutes } from './webhook-routes.js';
import type { WebhookService } from '../../webhooks/webhook-service.js';
import type { RetentionService } from '../../retention/retention-service.js';
import { registerTagHistoryRoutes } from './tag-history-routes.js';
import type { TagHistoryService } from '../../tag-history/tag-history-service.js';
import type { ImmutableRuleService } from '../../immutable/immutable-rule-service.js';
import type { ArtifactLabelService, LabelService } from '../../labels/label-service.js';
import type { PersonalTokenService } from '../../tokens/personal-tokens.js';
import { registerPersonalTokenRoutes } from './personal-token-routes.js';

export const API_PREFIX = '/api/v2.0';

/**
 * What a feature living in its own folder (oidc/…) adds to the HTTP edge, handed in by the composition root: its
 * routes under /api/v2.0 (described in the OpenAPI description like every other) and outside it (`/c/…`), and what
 * it adds to Harbor's UserResp and GeneralInfo.
 */
export interface HttpFeature {
  /** Registers routes inside the /api/v2.0 plugin (authentication, read-only guard and error envelope apply). */
  registerApi?(api: FastifyInstance): void;
  /** Registers routes on the server itself (portal endpoints under `/c/`). */
  registerWeb?(app: FastifyInstance): void;
  /** Fields added to the UserResp of `userId` shown to `ctx` (GET /users/current and /users/{id}). */
  userResp?(ctx: SecurityContext, userId: number): Promise<Record<string, unknown>>;
  /** Fields added to /systeminfo's GeneralInfo (shown to everyone). */
  systemInfo?(): Promise<Record<string, unknown>>;
}

export interface ApiRoutesOptions extends SystemRoutesOptions, ArtifactRoutesOptions {
  /** Basic credentials (through the login guard) or a session cookie with its CSRF token. */
  readonly authentication: ApiAuthentication;
  readonly users: UserService;
  readonly robots: RobotService;
  readonly configurations: ConfigurationService;
  readonly permissions: PermissionService;
  readonly readOnly: ReadOnlyGuard;
  readonly projectServices: ProjectServices;
  readonly repositories: RepositoryService;
  readonly immutableRules: ImmutableRuleService;
  readonly labels: LabelService;
  readonly artifactLabels: ArtifactLabelService;
  readonly jobservice: JobServiceMonitor;
  readonly gc: GcService;
  readonly quotas: QuotaService;
  readonly retention: RetentionService;
  readonly tagHistory: TagHistoryService;
  readonly webhooks: WebhookService;
  readonly userGroups: UserGroupService;
  readonly notifications: NotificationStatusService;
  readonly audit: AuditService;
  readonly purgeAudit: PurgeAuditService;
  /** `POST /email/ping` (self-service/); absent: not served. */
  readonly email?: EmailServerCheck | undefined;
  /** Personal access tokens (`/users/{user_id}/tokens`, `/tokens`). */
  readonly personalTokens: PersonalTokenService;
  /** Features' own routes (ldap/…), registered after the core's under the same authentication and guards. */
  readonly featureRoutes?: readonly ((api: FastifyInstance) => void)[] | undefined;
  /** Rate limits (`rateLimits.enabled`); absent: no hook. */
  readonly rateLimits?: RateLimitHooks | undefined;
  /** Features' routes and additions (HttpFeature). */
  readonly features?: readonly HttpFeature[] | undefined;
}

/**
 * Mounts Harbor's management API under /api/v2.0 in its own encapsulated plugin: JSON bodies, Harbor's error
 * envelope, authentication (HTTP Basic or a session cookie, see security.ts) in front of every route, then
 * the read-only guard.
 */
export function registerApiRoutes(app: FastifyInstance, opts: ApiRoutesOptions): void {
  void app.register(
    (api, _opts, done) => {
      api.setErrorHandler((err, req, reply) => sendHarborError(reply, err, req.log));
      api.setNotFoundHandler((req, reply) =>
        sendHarborError(reply, new HarborError('NOT_FOUND', `no endpoint at ${req.method} ${req.url}`), req.log),
      );
      api.addHook('onRequest', async (req, reply) => authenticate(req, reply, opts.authentication));
      const limits = opts.rateLimits;
      if (limits) {
        // After authentication (cheap here: Basic credentials verified within the minute are remembered, sessions
        // are one lookup), so each user and robot has its own count and anonymous callers their address's.
        api.addHook('onRequest', async (req, reply) => {
          const ctx = securityOf(req);
          const refusal = await limits.limit(req, reply, 'api', ctx.kind === 'anonymous' ? '' : operatorOf(ctx).name);
          if (refusal) throw new HarborError('TOO_MANY_REQUESTS', refusal.message);
        });
      }
      // Read-only mode refuses every modification but the ones that must stay possible (http/credentials.ts).
      api.addHook('onRequest', async (req) => {
        if (!isWriteMethod(req.method) || isExemptFromReadOnly(req.method, req.routeOptions.url ?? req.url)) return;
        if (await opts.readOnly.isReadOnly()) throw new HarborError('DENIED', READ_ONLY_MESSAGE);
      });
      const features = opts.features ?? [];
      registerSystemRoutes(api, opts, async () => {
        const parts = await Promise.all(features.map((f) => f.systemInfo?.() ?? Promise.resolve({})));
        return Object.assign({}, ...parts) as Record<string, unknown>;
      });
      registerUserRoutes(api, opts.users, async (ctx, userId) => {
        const parts = await Promise.all(features.map((f) => f.userResp?.(ctx, userId) ?? Promise.resolve({})));
        return Object.assign({}, ...parts) as Record<string, unknown>;
      });
      for (const feature of features) feature.registerApi?.(api);
      registerPermissionRoutes(api, opts.permissions);
      registerRobotRoutes(api, opts.robots);
      registerConfigurationRoutes(api, opts.configurations);
      if (opts.email) registerEmailRoutes(api, opts.email);
      registerQuotaRoutes(api, opts.quotas);
      const { projects, metadata, members, search, statistics } = opts.projectServices;
      registerProjectRoutes(api, projects, metadata);
      registerMemberRoutes(api, members);
      registerUserGroupRoutes(api, opts.userGroups);
      registerSearchRoutes(api, search, statistics);
      registerRepositoryRoutes(api, opts.repositories);
      registerArtifactRoutes(api, opts);
      registerImmutableRoutes(api, opts.immutableRules);
      registerLabelRoutes(api, opts.labels, opts.artifactLabels);
      registerJobServiceRoutes(api, opts.jobservice);
      registerGcRoutes(api, opts.gc);
      registerRetentionRoutes(api, opts.retention);
      registerTagHistoryRoutes(api, opts.tagHistory);
      registerWebhookRoutes(api, opts.webhooks);
      registerNotificationRoutes(api, opts.notifications);
      registerAuditRoutes(api, opts.audit);
      registerPurgeAuditRoutes(api, opts.purgeAudit);
      registerPersonalTokenRoutes(api, opts.personalTokens);
      for (const register of opts.featureRoutes ?? []) register(api);
      registerOpenApiRoutes(api, opts);
      done();
    },
    { prefix: API_PREFIX },
  );
}
