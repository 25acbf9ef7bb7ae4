import { InvalidError, NotFoundError } from '../../domain/errors.js';
import type { PagedResult } from '../../ports/identity-store.js';
import type { QuotaQuery, QuotaRecord, UsageRepair } from '../../ports/quota-records.js';
import type { Store, StoreRecords } from '../../ports/store.js';
import type { UnitOfWork } from '../../events/unit-of-work.js';
import { operatorOf, type SecurityContext } from '../authenticator.js';
import { authorize } from '../project-access.js';

/** The list query of `GET /quotas` as the HTTP edge parsed it. */
export interface QuotaListQuery extends Omit<QuotaQuery, 'projectId'> {
  /** Harbor's `reference`: only `project` quotas exist. */
  readonly reference?: string | undefined;
  /** Harbor's `reference_id`: the project id, as text. */
  readonly referenceId?: string | undefined;
}

/** The largest hard limit accepted (bytes a JSON number carries exactly). */
const MAX_HARD = Number.MAX_SAFE_INTEGER;

/** Harbor's check of a storage limit (the project quota driver's Validate): -1 or a positive number of bytes. */
export function storageLimitProblem(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return 'invalid value for resource storage';
  if ((value <= 0 && value !== -1) || value > MAX_HARD) return 'invalid value for resource storage';
  return undefined;
}

/**
 * Harbor's quota API (`/quotas`, `/quotas/{id}`): system administrators (the system resource `quota`) list, read
 * and change hard limits; project members see their project's quota in the project summary.
 */
export class QuotaService {
  constructor(
    private readonly store: Store,
    private readonly work: UnitOfWork,
  ) {}

  async list(ctx: SecurityContext, query: QuotaListQuery): Promise<PagedResult<QuotaRecord>> {
    authorize(ctx, undefined, 'quota', 'list');
    if (query.reference !== undefined && query.reference !== '' && query.reference !== 'project') {
      return { items: [], total: 0 };
    }
    let projectId: number | undefined;
    if (query.referenceId !== undefined && query.referenceId !== '') {
      if (!/^[0-9]{1,15}$/.test(query.referenceId)) return { items: [], total: 0 };
      projectId = Number(query.referenceId);
    }
    return this.store.quotas.list({ page: query.page, pageSize: query.pageSize, sort: query.sort, projectId });
  }

  async get(ctx: SecurityContext, id: number): Promise<QuotaRecord> {
    authorize(ctx, undefined, 'quota', 'read');
    const quota = await this.store.quotas.get(id);
    if (!quota) throw new NotFoundError('quota', String(id), `quota ${id} not found`);
    return quota;
  }

  /** Harbor's `PUT /quotas/{id}`: `{"hard":{"storage":N}}`, N -1 or positive; a limit below usage is accepted. */
  async update(ctx: SecurityContext, id: number, body: unknown): Promise<void> {
    authorize(ctx, undefined, 'quota', 'update');
    const hard = (body as { hard?: unknown } | null)?.hard;
    if (hard === null || typeof hard !== 'object' || Array.isArray(hard) || Object.keys(hard).length === 0) {
      throw new InvalidError('field', 'hard required in body');
    }
    const entries = Object.entries(hard as Record<string, unknown>);
    const unsupported = entries.find(([name]) => name !== 'storage');
    if (unsupported) throw new InvalidError('field', `resource ${unsupported[0]} not support`);
    const storage = (hard as Record<string, unknown>).storage;
    const problem = storageLimitProblem(storage);
    if (problem) throw new InvalidError('field', problem);
    await this.work.run(async ({ tx, emit }) => {
      const quota = await tx.quotas.get(id);
      if (!quota || !(await tx.quotas.setHard(id, storage as number))) {
        throw new NotFoundError('quota', String(id), `quota ${id} not found`);
      }
      emit(
        {
          type: 'quota.updated',
          quotaId: id,
          projectId: quota.projectId,
          project: quota.projectName,
          hard: storage as number,
        },
        operatorOf(ctx),
      );
    });
  }

  /** Recomputes every project's usage and repairs the stored values (`wharf quota recount`; a job later). */
  async recount(): Promise<UsageRepair[]> {
    return recountQuotas(this.store);
  }
}

/**
 * Recomputes every project's usage from the references (the quota rule) and repairs the stored values; returns the
 * projects it corrected. A plain function over the store, for the CLI and a scheduled job.
 */
export async function recountQuotas(store: Pick<Store, 'transaction'>): Promise<UsageRepair[]> {
  return store.transaction((tx: StoreRecords) => tx.quotas.recount());
}
