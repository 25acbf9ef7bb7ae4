import type { Kysely } from 'kysely';
import { ConflictError } from '../../domain/errors.js';
import type { RetentionPolicy, RetentionPolicyData } from '../../domain/retention-policy.js';
import type { RetentionDeletedArtifact, RetentionRecords, RetentionTaskResult } from '../../ports/retention-records.js';
import type { Database, RetentionPoliciesTable } from './database.js';
import { uniqueViolationColumns } from './identity/constraint-errors.js';

type Row = Omit<RetentionPoliciesTable, 'id'> & { id: number };

function toPolicy(row: Row): RetentionPolicy {
  const data = JSON.parse(row.data) as RetentionPolicyData;
  return {
    id: Number(row.id),
    projectId: Number(row.project_id),
    algorithm: data.algorithm,
    rules: data.rules,
    trigger: data.trigger,
  };
}

function dataOf(data: RetentionPolicyData): string {
  return JSON.stringify({ algorithm: data.algorithm, rules: data.rules, trigger: data.trigger });
}

export class KyselyRetentionRecords implements RetentionRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: number): Promise<RetentionPolicy | undefined> {
    const row = await this.db.selectFrom('retention_policies').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toPolicy(row);
  }

  async ofProject(projectId: number): Promise<RetentionPolicy | undefined> {
    const row = await this.db
      .selectFrom('retention_policies')
      .selectAll()
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return row && toPolicy(row);
  }

  async create(projectId: number, data: RetentionPolicyData, at: Date): Promise<RetentionPolicy> {
    try {
      const row = await this.db
        .insertInto('retention_policies')
        .values({ project_id: projectId, data: dataOf(data), created_at: at.getTime(), updated_at: at.getTime() })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toPolicy(row);
    } catch (error) {
      if (uniqueViolationColumns(error) === undefined) throw error;
      throw new ConflictError(`project ${projectId} already has a retention policy`);
    }
  }

  async update(id: number, data: RetentionPolicyData, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('retention_policies')
      .set({ data: dataOf(data), updated_at: at.getTime() })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('retention_policies').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async saveTaskResult(taskId: number, result: RetentionTaskResult): Promise<void> {
    const deleted = result.deleted === undefined ? null : JSON.stringify(result.deleted);
    await this.db
      .insertInto('retention_task_results')
      .values({ task_id: taskId, total: result.total, retained: result.retained, deleted })
      .onConflict((oc) => oc.column('task_id').doUpdateSet({ total: result.total, retained: result.retained, deleted }))
      .execute();
  }

  async taskResults(taskIds: readonly number[]): Promise<Map<number, RetentionTaskResult>> {
    const results = new Map<number, RetentionTaskResult>();
    if (taskIds.length === 0) return results;
    const rows = await this.db
      .selectFrom('retention_task_results')
      .selectAll()
      .where('task_id', 'in', [...taskIds])
      .execute();
    for (const row of rows) {
      results.set(Number(row.task_id), {
        total: Number(row.total),
        retained: Number(row.retained),
        ...(row.deleted !== null && { deleted: JSON.parse(row.deleted) as RetentionDeletedArtifact[] }),
      });
    }
    return results;
  }
}
