import type { Kysely } from 'kysely';
import { ConflictError } from '../../domain/errors.js';
import type { WebhookEventType, WebhookPolicy, WebhookPolicyData, WebhookTarget } from '../../domain/webhook-policy.js';
import type { WebhookRecords, WebhookTrigger } from '../../ports/webhook-records.js';
import { SecretBoxError, type SecretBox } from '../../lib/secret-box.js';
import type { Database, WebhookPoliciesTable } from './database.js';
import { WEBHOOK_AUTH_HEADER } from './sealed-targets.js';
import { uniqueViolationColumns } from './identity/constraint-errors.js';

type Row = Omit<WebhookPoliciesTable, 'id'> & { id: number };

/** Targets as stored: Harbor's WebhookTargetObject field names. */
interface StoredTarget {
  type: WebhookTarget['type'];
  address: string;
  auth_header: string;
  skip_cert_verify: boolean;
  payload_format: WebhookTarget['payloadFormat'];
}

/** The secret box, or a clear error when the store was opened without one and a secret is to be read or written. */
function boxOf(secrets: SecretBox | undefined): SecretBox {
  if (secrets === undefined)
    throw new SecretBoxError('webhook auth headers are encrypted: the store needs the secret key');
  return secrets;
}

/** Auth headers are stored sealed (migration 0019-keys sealed those stored before); a clear one is refused. */
function openHeader(stored: string, secrets: SecretBox | undefined): string {
  return stored === '' ? '' : boxOf(secrets).open(stored, WEBHOOK_AUTH_HEADER);
}

function toPolicy(row: Row, secrets: SecretBox | undefined): WebhookPolicy {
  const targets = JSON.parse(row.targets) as StoredTarget[];
  return {
    id: Number(row.id),
    projectId: Number(row.project_id),
    name: row.name,
    description: row.description,
    enabled: Number(row.enabled) === 1,
    eventTypes: JSON.parse(row.event_types) as WebhookEventType[],
    targets: targets.map((t) => ({
      type: t.type,
      address: t.address,
      authHeader: openHeader(t.auth_header, secrets),
      skipCertVerify: t.skip_cert_verify,
      payloadFormat: t.payload_format,
    })),
    creator: row.creator,
    creationTime: new Date(Number(row.created_at)),
    updateTime: new Date(Number(row.updated_at)),
  };
}

function columnsOf(data: WebhookPolicyData, secrets: SecretBox | undefined) {
  const targets: StoredTarget[] = data.targets.map((t) => ({
    type: t.type,
    address: t.address,
    auth_header: t.authHeader === '' ? '' : boxOf(secrets).seal(t.authHeader, WEBHOOK_AUTH_HEADER),
    skip_cert_verify: t.skipCertVerify,
    payload_format: t.payloadFormat,
  }));
  return {
    name: data.name,
    description: data.description,
    enabled: data.enabled ? (1 as const) : (0 as const),
    event_types: JSON.stringify(data.eventTypes),
    targets: JSON.stringify(targets),
  };
}

function conflictOr(error: unknown, name: string): unknown {
  if (uniqueViolationColumns(error) === undefined) return error;
  return new ConflictError(`a webhook policy named ${name} exists already in the project`);
}

export class KyselyWebhookRecords implements WebhookRecords {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets?: SecretBox,
  ) {}

  private toPolicy(row: Row): WebhookPolicy {
    return toPolicy(row, this.secrets);
  }

  async get(id: number): Promise<WebhookPolicy | undefined> {
    const row = await this.db.selectFrom('webhook_policies').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.toPolicy(row);
  }

  async ofProject(projectId: number): Promise<WebhookPolicy[]> {
    const rows = await this.db
      .selectFrom('webhook_policies')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('id')
      .execute();
    return rows.map((row) => this.toPolicy(row));
  }

  async enabledFor(projectId: number, eventType: WebhookEventType): Promise<WebhookPolicy[]> {
    const rows = await this.db
      .selectFrom('webhook_policies')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('enabled', '=', 1)
      .orderBy('id')
      .execute();
    return rows.map((row) => this.toPolicy(row)).filter((p) => p.eventTypes.includes(eventType));
  }

  async projectsWanting(eventType: WebhookEventType): Promise<number[]> {
    const rows = await this.db
      .selectFrom('webhook_policies')
      .select(['project_id', 'event_types'])
      .where('enabled', '=', 1)
      .execute();
    const ids = new Set<number>();
    for (const row of rows) {
      if ((JSON.parse(row.event_types) as string[]).includes(eventType)) ids.add(Number(row.project_id));
    }
    return [...ids].sort((a, b) => a - b);
  }

  async create(projectId: number, data: WebhookPolicyData, creator: string, at: Date): Promise<WebhookPolicy> {
    try {
      const row = await this.db
        .insertInto('webhook_policies')
        .values({
          project_id: projectId,
          ...columnsOf(data, this.secrets),
          creator,
          created_at: at.getTime(),
          updated_at: at.getTime(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return this.toPolicy(row);
    } catch (error) {
      throw conflictOr(error, data.name);
    }
  }

  async update(id: number, data: WebhookPolicyData, at: Date): Promise<boolean> {
    try {
      const result = await this.db
        .updateTable('webhook_policies')
        .set({ ...columnsOf(data, this.secrets), updated_at: at.getTime() })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    } catch (error) {
      throw conflictOr(error, data.name);
    }
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('webhook_policies').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async recordTrigger(policyId: number, eventType: WebhookEventType, at: Date): Promise<void> {
    const time = at.getTime();
    await this.db
      .insertInto('webhook_last_triggers')
      .values({ policy_id: policyId, event_type: eventType, triggered_at: time })
      .onConflict((oc) =>
        oc
          .columns(['policy_id', 'event_type'])
          .doUpdateSet({ triggered_at: time })
          .where('webhook_last_triggers.triggered_at', '<', time),
      )
      .execute()
      .catch((error: unknown) => {
        // The policy was deleted meanwhile: nothing to record.
        if (uniqueViolationColumns(error) === undefined && !/foreign key|FOREIGN KEY/.test(String(error))) throw error;
      });
  }

  async triggersOf(projectId: number): Promise<WebhookTrigger[]> {
    const rows = await this.db
      .selectFrom('webhook_last_triggers as t')
      .innerJoin('webhook_policies as p', 'p.id', 't.policy_id')
      .select(['t.policy_id', 't.event_type', 't.triggered_at'])
      .where('p.project_id', '=', projectId)
      .orderBy('t.policy_id')
      .orderBy('t.event_type')
      .execute();
    return rows.map((r) => ({
      policyId: Number(r.policy_id),
      eventType: r.event_type as WebhookEventType,
      at: new Date(Number(r.triggered_at)),
    }));
  }
}
