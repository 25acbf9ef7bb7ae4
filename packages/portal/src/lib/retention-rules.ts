import type { RetentionRule, RetentionSelector, RetentionTemplate } from '../api/retention';

/** What the rule dialog edits: one repository selector, one tag selector (with untagged), labels, the template. */
export interface RuleForm {
  readonly repoDecoration: 'repoMatches' | 'repoExcludes';
  readonly repoPattern: string;
  readonly tagDecoration: 'matches' | 'excludes';
  readonly tagPattern: string;
  readonly untagged: boolean;
  readonly labelDecoration: 'none' | 'withLabels' | 'withoutLabels';
  readonly labels: string;
  readonly template: RetentionTemplate;
  readonly param?: number | undefined;
}

export const DEFAULT_RULE_FORM: RuleForm = {
  repoDecoration: 'repoMatches',
  repoPattern: '**',
  tagDecoration: 'matches',
  tagPattern: '**',
  untagged: true,
  labelDecoration: 'none',
  labels: '',
  template: 'latestPushedK',
  param: 10,
};

function untaggedOf(selector: RetentionSelector | undefined): boolean {
  if (!selector?.extras) return selector?.decoration !== 'excludes';
  try {
    return (JSON.parse(selector.extras) as { untagged?: unknown }).untagged === true;
  } catch {
    return false;
  }
}

/** The rule a form describes (keeping the id, priority and disabled flag of `base`). */
export function ruleOf(form: RuleForm, base?: RetentionRule): RetentionRule {
  const tagSelectors: RetentionSelector[] = [
    {
      kind: 'doublestar',
      decoration: form.tagDecoration,
      pattern: form.tagPattern.trim() || '**',
      extras: JSON.stringify({ untagged: form.untagged }),
    },
  ];
  const labels = form.labels
    .split(',')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (form.labelDecoration !== 'none' && labels.length > 0) {
    tagSelectors.push({ kind: 'label', decoration: form.labelDecoration, pattern: labels.join(',') });
  }
  return {
    id: base?.id ?? 0,
    priority: base?.priority ?? 0,
    disabled: base?.disabled ?? false,
    action: 'retain',
    template: form.template,
    params: form.template === 'always' ? {} : { [form.template]: form.param ?? 0 },
    tag_selectors: tagSelectors,
    scope_selectors: {
      repository: [{ kind: 'doublestar', decoration: form.repoDecoration, pattern: form.repoPattern.trim() || '**' }],
    },
  };
}

/** The form that edits a rule. */
export function formOf(rule: RetentionRule): RuleForm {
  const repo = rule.scope_selectors.repository?.[0];
  const tag = rule.tag_selectors.find((s) => s.kind === 'doublestar');
  const label = rule.tag_selectors.find((s) => s.kind === 'label');
  const param = rule.params[rule.template];
  return {
    repoDecoration: repo?.decoration === 'repoExcludes' ? 'repoExcludes' : 'repoMatches',
    repoPattern: repo?.pattern ?? '**',
    tagDecoration: tag?.decoration === 'excludes' ? 'excludes' : 'matches',
    tagPattern: tag?.pattern ?? '**',
    untagged: untaggedOf(tag),
    labelDecoration:
      label?.decoration === 'withLabels' || label?.decoration === 'withoutLabels' ? label.decoration : 'none',
    labels: label?.pattern ?? '',
    template: rule.template,
    param: typeof param === 'number' ? param : undefined,
  };
}

/** The parameter of a rule (0 for `always`). */
export function paramOf(rule: RetentionRule): number {
  const value = rule.params[rule.template];
  return typeof value === 'number' ? value : 0;
}
