import { InvalidError, NotFoundError } from '../domain/errors.js';
import {
  MAX_IMMUTABLE_RULES_PER_PROJECT,
  immutableRuleSpecOf,
  type ImmutableRule,
  type ImmutableRuleSpec,
} from '../domain/immutable-rules.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import type { PagedResult, PageQuery, ProjectRecord } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import { operatorOf, type SecurityContext } from '../services/authenticator.js';
import { accessProject, type ProjectLocator } from '../services/project-visibility.js';

type Body = Readonly<Record<string, unknown>>;

/** A rule as Harbor's body names its parts, to merge an update over. */
function bodyOf(rule: ImmutableRuleSpec): Body {
  return {
    priority: rule.priority,
    disabled: rule.disabled,
    tag_selectors: rule.tagSelectors,
    scope_selectors: { repository: rule.repositorySelectors },
  };
}

/**
 * Harbor's immutable tag rules of a project (`/projects/{p}/immutabletagrules`), decided by the evaluator on the
 * project's `immutable-tag` resource (project admins and maintainers; robots granted it; system administrators).
 * At most 15 rules per project. A rule of another project is answered as missing (404), as Harbor does.
 */
export class ImmutableRuleService {
  constructor(
    private readonly store: Store,
    private readonly work: UnitOfWork,
    private readonly now: () => Date,
  ) {}

  async list(ctx: SecurityContext, at: ProjectLocator, page: PageQuery): Promise<PagedResult<ImmutableRule>> {
    const project = await accessProject(this.store, ctx, at, 'immutable-tag', 'list');
    const rules = await this.store.immutableRules.ofProject(project.id);
    const start = (page.page - 1) * page.pageSize;
    return { items: rules.slice(start, start + page.pageSize), total: rules.length };
  }

  async create(ctx: SecurityContext, at: ProjectLocator, body: Body): Promise<ImmutableRule> {
    const project = await accessProject(this.store, ctx, at, 'immutable-tag', 'create');
    const spec = immutableRuleSpecOf(body);
    return this.work.run(async ({ tx, emit }) => {
      if ((await tx.immutableRules.count(project.id)) >= MAX_IMMUTABLE_RULES_PER_PROJECT) {
        throw new InvalidError(
          'field',
          `a project has at most ${MAX_IMMUTABLE_RULES_PER_PROJECT} immutable tag rules; delete one first`,
        );
      }
      const rule = await tx.immutableRules.create(project.id, spec, this.now());
      emit({ type: 'immutable_rule.created', projectId: project.id, ruleId: rule.id }, operatorOf(ctx));
      return rule;
    });
  }

  /**
   * Harbor's update: the body's `id` must be the path's; a body that changes `disabled` only enables or disables the
   * rule (Harbor's controller ignores its other fields then); otherwise the fields given replace the rule's.
   */
  async update(ctx: SecurityContext, at: ProjectLocator, ruleId: number, body: Body): Promise<void> {
    if (body.id !== undefined && body.id !== ruleId) {
      throw new InvalidError(
        'field',
        "the immutable_rule_id doesn't match the id in the payload body of ImmutableRule",
      );
    }
    const project = await accessProject(this.store, ctx, at, 'immutable-tag', 'update');
    const current = await this.ruleIn(project, ruleId);
    const merged = immutableRuleSpecOf({ ...bodyOf(current), ...body });
    const spec = merged.disabled !== current.disabled ? { ...current, disabled: merged.disabled } : merged;
    await this.work.run(async ({ tx, emit }) => {
      if (!(await tx.immutableRules.update(ruleId, spec, this.now()))) throw this.missing(ruleId);
      emit({ type: 'immutable_rule.updated', projectId: project.id, ruleId }, operatorOf(ctx));
    });
  }

  async delete(ctx: SecurityContext, at: ProjectLocator, ruleId: number): Promise<void> {
    const project = await accessProject(this.store, ctx, at, 'immutable-tag', 'delete');
    await this.ruleIn(project, ruleId);
    await this.work.run(async ({ tx, emit }) => {
      if (!(await tx.immutableRules.delete(ruleId))) throw this.missing(ruleId);
      emit({ type: 'immutable_rule.deleted', projectId: project.id, ruleId }, operatorOf(ctx));
    });
  }

  private async ruleIn(project: ProjectRecord, ruleId: number): Promise<ImmutableRule> {
    const rule = await this.store.immutableRules.get(ruleId);
    if (!rule || rule.projectId !== project.id) throw this.missing(ruleId);
    return rule;
  }

  private missing(ruleId: number): NotFoundError {
    return new NotFoundError('immutable-rule', String(ruleId), `immutable tag rule ${ruleId} not found`);
  }
}
