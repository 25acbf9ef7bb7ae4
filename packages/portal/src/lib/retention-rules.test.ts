import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_FORM, formOf, paramOf, ruleOf } from './retention-rules';

describe('retention rule forms', () => {
  it('builds Harbor’s rule from the form and reads it back', () => {
    const form = {
      ...DEFAULT_RULE_FORM,
      repoDecoration: 'repoExcludes' as const,
      repoPattern: 'tmp/**',
      tagDecoration: 'excludes' as const,
      tagPattern: 'dev-*',
      untagged: false,
      labelDecoration: 'withLabels' as const,
      labels: 'prod, eu',
      template: 'nDaysSinceLastPull' as const,
      param: 30,
    };
    const rule = ruleOf(form);
    expect(rule).toEqual({
      id: 0,
      priority: 0,
      disabled: false,
      action: 'retain',
      template: 'nDaysSinceLastPull',
      params: { nDaysSinceLastPull: 30 },
      tag_selectors: [
        { kind: 'doublestar', decoration: 'excludes', pattern: 'dev-*', extras: '{"untagged":false}' },
        { kind: 'label', decoration: 'withLabels', pattern: 'prod,eu' },
      ],
      scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoExcludes', pattern: 'tmp/**' }] },
    });
    expect(formOf(rule)).toEqual({ ...form, labels: 'prod,eu' });
    expect(paramOf(rule)).toBe(30);
  });

  it('gives `always` no parameter and keeps a rule’s id and disabled flag on edit', () => {
    const base = ruleOf(DEFAULT_RULE_FORM);
    const edited = ruleOf({ ...DEFAULT_RULE_FORM, template: 'always' }, { ...base, id: 3, disabled: true });
    expect(edited).toMatchObject({ id: 3, disabled: true, template: 'always', params: {} });
    expect(paramOf(edited)).toBe(0);
  });
});
