import { describe, expect, it } from 'vitest';
import { countsOf, evaluate, rulesByRepository, tagSelectorSelects, type Candidate } from './evaluator.js';
import {
  conflictingRules,
  policyDataOf,
  scopeOf,
  type RetentionRule,
  type RetentionTemplate,
} from '../domain/retention-policy.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');

function candidate(digest: string, tags: string[], pushedDaysAgo: number, extra: Partial<Candidate> = {}): Candidate {
  return { digest, tags, labels: [], pushedAt: NOW - pushedDaysAgo * DAY, pulledAt: 0, ...extra };
}

function rule(template: RetentionTemplate, n: number | undefined, extra: Partial<RetentionRule> = {}): RetentionRule {
  return {
    id: 1,
    priority: 0,
    disabled: false,
    action: 'retain',
    template,
    params: n === undefined ? {} : { [template]: n },
    tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**' }],
    scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
    ...extra,
  };
}

const never = () => false;
const kept = (rules: RetentionRule[], cs: Candidate[], immutable: (t: string) => boolean = never) =>
  evaluate(rules, cs, NOW, immutable)
    .filter((d) => d.outcome === 'retain')
    .map((d) => d.candidate.digest)
    .sort();

const A = candidate('a', ['v1'], 30, { pulledAt: NOW - 1 * DAY });
const B = candidate('b', ['v2'], 20, { pulledAt: NOW - 40 * DAY });
const C = candidate('c', ['v3', 'latest'], 10);
const U = candidate('u', [], 5);
const ALL = [A, B, C, U];

describe('retention templates', () => {
  it('latestPushedK keeps the K most recently pushed', () => {
    expect(kept([rule('latestPushedK', 2)], ALL)).toEqual(['c', 'u']);
    expect(kept([rule('latestPushedK', 0)], ALL)).toEqual([]);
  });

  it('latestPulledN keeps the N most recently pulled (never pulled last)', () => {
    expect(kept([rule('latestPulledN', 1)], ALL)).toEqual(['a']);
    expect(kept([rule('latestPulledN', 2)], ALL)).toEqual(['a', 'b']);
  });

  it('nDaysSinceLastPush keeps what was pushed within N days', () => {
    expect(kept([rule('nDaysSinceLastPush', 15)], ALL)).toEqual(['c', 'u']);
    expect(kept([rule('nDaysSinceLastPush', 20)], ALL)).toEqual(['b', 'c', 'u']);
  });

  it('nDaysSinceLastPull keeps what was pulled within N days', () => {
    expect(kept([rule('nDaysSinceLastPull', 7)], ALL)).toEqual(['a']);
    expect(kept([rule('nDaysSinceLastPull', 60)], ALL)).toEqual(['a', 'b']);
  });

  it('always keeps everything its selectors select', () => {
    expect(kept([rule('always', undefined)], ALL)).toEqual(['a', 'b', 'c', 'u']);
  });
});

describe('tag selectors', () => {
  it('matches selects an artifact with any matching tag; untagged ones by default too', () => {
    const r = rule('always', undefined, {
      tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v*' }],
    });
    expect(kept([r], ALL)).toEqual(['a', 'b', 'c', 'u']);
    const latest = rule('always', undefined, {
      tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'latest', extras: '{"untagged":false}' }],
    });
    expect(kept([latest], ALL)).toEqual(['c']);
  });

  it('excludes selects an artifact with any tag not matching; untagged ones only with untagged false', () => {
    const r = rule('always', undefined, {
      tag_selectors: [{ kind: 'doublestar', decoration: 'excludes', pattern: 'v2' }],
    });
    expect(kept([r], ALL)).toEqual(['a', 'c', 'u']);
    const withUntagged = rule('always', undefined, {
      tag_selectors: [{ kind: 'doublestar', decoration: 'excludes', pattern: 'v2', extras: '{"untagged":true}' }],
    });
    expect(kept([withUntagged], ALL)).toEqual(['a', 'c']);
  });

  it('label selectors need every named label (withLabels) or none of them (withoutLabels)', () => {
    const labelled = candidate('l', ['x'], 1, { labels: ['prod', 'eu'] });
    expect(tagSelectorSelects({ kind: 'label', decoration: 'withLabels', pattern: 'prod,eu' }, labelled)).toBe(true);
    expect(tagSelectorSelects({ kind: 'label', decoration: 'withLabels', pattern: 'prod,us' }, labelled)).toBe(false);
    expect(tagSelectorSelects({ kind: 'label', decoration: 'withoutLabels', pattern: 'prod' }, labelled)).toBe(false);
    expect(tagSelectorSelects({ kind: 'label', decoration: 'withoutLabels', pattern: 'us' }, labelled)).toBe(true);
    const r = rule('always', undefined, {
      tag_selectors: [
        { kind: 'doublestar', decoration: 'matches', pattern: '**' },
        { kind: 'label', decoration: 'withLabels', pattern: 'prod' },
      ],
    });
    expect(kept([r], [...ALL, labelled])).toEqual(['l']);
  });
});

describe('the OR of rules, deletions and immutable tags', () => {
  it('retains the union of what each rule retains and deletes the rest as whole artifacts', () => {
    const rules = [
      rule('latestPushedK', 1, { id: 1 }),
      rule('nDaysSinceLastPull', 7, { id: 2 }),
      rule('always', undefined, { id: 3, disabled: true }),
    ];
    const decisions = evaluate(rules, ALL, NOW, never);
    expect(decisions.map((d) => [d.candidate.digest, d.outcome, d.rules])).toEqual([
      ['a', 'retain', [2]],
      ['b', 'delete', []],
      ['c', 'delete', []],
      ['u', 'retain', [1]],
    ]);
    expect(countsOf(decisions)).toEqual({ total: 4, retained: 2 });
  });

  it('keeps an artifact that is not retained when one of its tags is immutable, and counts it retained', () => {
    const decisions = evaluate([rule('latestPushedK', 0)], ALL, NOW, (tag) => tag === 'latest');
    expect(decisions.find((d) => d.candidate.digest === 'c')?.outcome).toBe('immutable');
    expect(decisions.filter((d) => d.outcome === 'delete').map((d) => d.candidate.digest)).toEqual(['a', 'b', 'u']);
    expect(countsOf(decisions)).toEqual({ total: 4, retained: 1 });
  });

  it('applies a rule to the repositories all its repository selectors select (names without the project)', () => {
    const r1 = rule('always', undefined, {
      id: 1,
      scope_selectors: {
        repository: [
          { kind: 'doublestar', decoration: 'repoMatches', pattern: 'team/**' },
          { kind: 'doublestar', decoration: 'repoExcludes', pattern: '**/tmp' },
        ],
      },
    });
    const r2 = rule('latestPushedK', 3, {
      id: 2,
      scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: 'app' }] },
    });
    const map = rulesByRepository([r1, r2], ['p/team/a', 'p/team/x/tmp', 'p/app', 'p/other']);
    expect([...map.entries()].map(([repo, rules]) => [repo, rules.map((r) => r.id)])).toEqual([
      ['p/team/a', [1]],
      ['p/app', [2]],
    ]);
  });
});

describe('policy validation', () => {
  const ok = () => undefined;
  const body = (rules: unknown[], extra: Record<string, unknown> = {}) => ({ algorithm: 'or', rules, ...extra });
  const wire = (template: string, params: Record<string, unknown> = {}) => ({
    template,
    params,
    tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**', extras: '{"untagged":true}' }],
    scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
  });

  it('accepts Harbor’s shape and numbers the rules', () => {
    const data = policyDataOf(
      body([wire('latestPushedK', { latestPushedK: 3 }), wire('always')], {
        trigger: { kind: 'Schedule', settings: { cron: '0 0 0 * * *' } },
      }),
      ok,
    );
    expect(data.rules.map((r) => [r.id, r.template, r.params])).toEqual([
      [1, 'latestPushedK', { latestPushedK: 3 }],
      [2, 'always', {}],
    ]);
    expect(data.trigger).toEqual({ kind: 'Schedule', settings: { cron: '0 0 0 * * *' } });
  });

  it('refuses more than 15 rules, unknown templates, bad parameters, selectors and algorithms', () => {
    const rules = Array.from({ length: 16 }, (_, i) => wire('latestPushedK', { latestPushedK: i }));
    expect(() => policyDataOf(body(rules), ok)).toThrow('only 15 rules are allowed at most');
    expect(() => policyDataOf(body([wire('nothing')]), ok)).toThrow(/template must be one of/);
    expect(() => policyDataOf(body([wire('latestPushedK', { latestPushedK: -1 })]), ok)).toThrow(/less than zero/);
    expect(() => policyDataOf(body([wire('latestPushedK', { latestPushedK: 40000 })]), ok)).toThrow(/too large/);
    expect(() => policyDataOf(body([wire('nDaysSinceLastPull')]), ok)).toThrow(/is required/);
    expect(() => policyDataOf(body([{ ...wire('always'), tag_selectors: [] }]), ok)).toThrow(/at least one/);
    expect(() =>
      policyDataOf(
        body([{ ...wire('always'), tag_selectors: [{ kind: 'regexp', decoration: 'matches', pattern: 'x' }] }]),
        ok,
      ),
    ).toThrow(/not supported/);
    expect(() => policyDataOf({ algorithm: 'and', rules: [] }, ok)).toThrow(/algorithm/);
    expect(() => policyDataOf(body([], { trigger: { kind: 'Event' } }), ok)).toThrow(/not support Trigger/);
    expect(() =>
      policyDataOf(body([], { trigger: { kind: 'Schedule', settings: { cron: 'bad' } } }), () => {
        throw new Error('invalid cron');
      }),
    ).toThrow('invalid cron');
  });

  it('finds repeated rules and reads the project scope', () => {
    const data = policyDataOf(body([wire('always'), wire('latestPushedK', { latestPushedK: 1 }), wire('always')]), ok);
    expect(conflictingRules(data.rules)).toEqual([2, 0]);
    expect(scopeOf({ scope: { level: 'project', ref: 7 } })).toBe(7);
    expect(() => scopeOf({ scope: { level: 'system', ref: 0 } })).toThrow(/not support/);
    expect(() => scopeOf({ scope: { level: 'project', ref: 0 } })).toThrow(/invalid Project id/);
  });
});
