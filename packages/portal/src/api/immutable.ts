import { apiCall } from './http';
import type { ImmutableRule } from './models';
import { apiPage, type Page } from './paging';
import { BY_NAME, projectPath } from './projects';

/** A rule as the portal edits it: which repositories and which tags it protects. */
export interface ImmutableRuleForm {
  readonly repoDecoration: 'repoMatches' | 'repoExcludes';
  readonly repoPattern: string;
  readonly tagDecoration: 'matches' | 'excludes';
  readonly tagPattern: string;
}

const rulesPath = (project: string) => `${projectPath(project)}/immutabletagrules`;

/** The rules of a project (at most 15, so one page holds them). */
export function listImmutableRules(project: string): Promise<Page<ImmutableRule>> {
  return apiPage<ImmutableRule>(rulesPath(project), { page: 1, pageSize: 100 }, { headers: BY_NAME });
}

export function ruleBody(form: ImmutableRuleForm, disabled = false, id?: number): ImmutableRule {
  return {
    id: id ?? 0,
    priority: 0,
    disabled,
    action: 'immutable',
    template: 'immutable_template',
    tag_selectors: [{ kind: 'doublestar', decoration: form.tagDecoration, pattern: form.tagPattern }],
    scope_selectors: {
      repository: [{ kind: 'doublestar', decoration: form.repoDecoration, pattern: form.repoPattern }],
    },
  };
}

export function formOf(rule: ImmutableRule): ImmutableRuleForm {
  const repo = rule.scope_selectors.repository[0];
  const tag = rule.tag_selectors[0];
  return {
    repoDecoration: repo?.decoration === 'repoExcludes' ? 'repoExcludes' : 'repoMatches',
    repoPattern: repo?.pattern ?? '**',
    tagDecoration: tag?.decoration === 'excludes' ? 'excludes' : 'matches',
    tagPattern: tag?.pattern ?? '**',
  };
}

export function createImmutableRule(project: string, form: ImmutableRuleForm): Promise<void> {
  return apiCall(rulesPath(project), { method: 'POST', json: ruleBody(form), headers: BY_NAME });
}

export function updateImmutableRule(project: string, rule: ImmutableRule): Promise<void> {
  return apiCall(`${rulesPath(project)}/${rule.id}`, { method: 'PUT', json: rule, headers: BY_NAME });
}

export function deleteImmutableRule(project: string, id: number): Promise<void> {
  return apiCall(`${rulesPath(project)}/${id}`, { method: 'DELETE', headers: BY_NAME });
}
