import type { Kysely } from 'kysely';
import { ConflictError } from '../../domain/errors.js';
import type { ImmutableRule, ImmutableRuleSpec } from '../../domain/immutable-rules.js';
import type { RepositoryDecoration, Selector, TagDecoration } from '../../domain/selectors.js';
import type { ImmutableRuleRecords } from '../../ports/immutable-rule-records.js';
import type { Database, ImmutableRulesTable } from './database.js';
import { uniqueViolationColumns } from './identity/constraint-errors.js';
import { countOf, toFlag } from './identity/query-helpers.js';

type Row = Omit<ImmutableRulesTable, 'id'> & { id: number };

function toRule(row: Row): ImmutableRule {
  return {
    id: row.id,
    projectId: row.project_id,
    priority: row.priority,
    disabled: Number(row.disabled) === 1,
    tagSelectors: JSON.parse(row.tag_selectors) as Selector<TagDecoration>[],
    repositorySelectors: JSON.parse(row.repository_selectors) as Selector<RepositoryDecoration>[],
  };
}

function columnsOf(spec: ImmutableRuleSpec) {
  return {
    priority: spec.priority,
    disabled: toFlag(spec.disabled),
    tag_selectors: JSON.stringify(spec.tagSelectors),
    repository_selectors: JSON.stringify(spec.repositorySelectors),
  };
}

function conflictOr(error: unknown): unknown {
  return uniqueViolationColumns(error) === undefined
    ? error
    : new ConflictError('an immutable tag rule with the same selectors already exists in the project');
}

export class KyselyImmutableRuleRecords implements ImmutableRuleRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async ofProject(projectId: number): Promise<ImmutableRule[]> {
    const rows = await this.db
      .selectFrom('immutable_rules')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('id')
      .execute();
    return rows.map(toRule);
  }

  async get(id: number): Promise<ImmutableRule | undefined> {
    const row = await this.db.selectFrom('immutable_rules').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRule(row);
  }

  async count(projectId: number): Promise<number> {
    const row = await this.db
      .selectFrom('immutable_rules')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return countOf(row);
  }

  async create(projectId: number, spec: ImmutableRuleSpec, at: Date): Promise<ImmutableRule> {
    try {
      const row = await this.db
        .insertInto('immutable_rules')
        .values({ project_id: projectId, ...columnsOf(spec), created_at: at.getTime(), updated_at: at.getTime() })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRule(row);
    } catch (error) {
      throw conflictOr(error);
    }
  }

  async update(id: number, spec: ImmutableRuleSpec, at: Date): Promise<boolean> {
    try {
      const result = await this.db
        .updateTable('immutable_rules')
        .set({ ...columnsOf(spec), updated_at: at.getTime() })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    } catch (error) {
      throw conflictOr(error);
    }
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('immutable_rules').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
