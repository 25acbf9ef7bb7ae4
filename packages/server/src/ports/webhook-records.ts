import type { WebhookEventType, WebhookPolicy, WebhookPolicyData } from '../domain/webhook-policy.js';

/** When a policy last sent an event of a type (Harbor's `…/webhook/lasttrigger`). */
export interface WebhookTrigger {
  readonly policyId: number;
  readonly eventType: WebhookEventType;
  readonly at: Date;
}

/**
 * Webhook policies of projects (migration 0017-webhooks): names unique within a project, going with it (foreign
 * key); event types and targets kept as JSON. Beside them, each policy's last trigger time per event type.
 */
export interface WebhookRecords {
  get(id: number): Promise<WebhookPolicy | undefined>;
  /** The project's policies in id order. */
  ofProject(projectId: number): Promise<WebhookPolicy[]>;
  /** The project's enabled policies that want `eventType`. */
  enabledFor(projectId: number, eventType: WebhookEventType): Promise<WebhookPolicy[]>;
  /** The ids of projects with an enabled policy that wants `eventType`. */
  projectsWanting(eventType: WebhookEventType): Promise<number[]>;
  /** ConflictError when the project has a policy of that name. */
  create(projectId: number, data: WebhookPolicyData, creator: string, at: Date): Promise<WebhookPolicy>;
  /** False when no such policy exists; ConflictError when the name is another policy's of the project. */
  update(id: number, data: WebhookPolicyData, at: Date): Promise<boolean>;
  delete(id: number): Promise<boolean>;
  /** Records that the policy sent an event of the type at `at` (a later time only moves it forward). */
  recordTrigger(policyId: number, eventType: WebhookEventType, at: Date): Promise<void>;
  /** The last triggers of the project's policies. */
  triggersOf(projectId: number): Promise<WebhookTrigger[]>;
}
