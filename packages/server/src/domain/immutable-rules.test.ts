import { describe, expect, it } from 'vitest';
import { InvalidError } from './errors.js';
import {
  immutableRuleFor,
  immutableRuleSpecOf,
  isImmutable,
  mayProtect,
  type ImmutableRuleLike,
} from './immutable-rules.js';
import { repositoryPathOf, selects, selectsRepository, type Selector } from './selectors.js';

const tag = (pattern: string, decoration: 'matches' | 'excludes' = 'matches'): Selector => ({
  kind: 'doublestar',
  decoration,
  pattern,
});

function rule(tagPattern: string, repository = '**', extra: Partial<ImmutableRuleLike> = {}): ImmutableRuleLike {
  return {
    disabled: false,
    tagSelectors: [{ kind: 'doublestar', decoration: 'matches', pattern: tagPattern }],
    repositorySelectors: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: repository }],
    ...extra,
  };
}

describe('doublestar selectors (Harbor’s semantics through picomatch)', () => {
  it.each([
    ['**', 'a/b/c', true],
    ['**', 'a', true],
    ['*', 'a', true],
    ['*', 'a/b', false],
    ['a/*', 'a/b', true],
    ['a/*', 'a/b/c', false],
    ['a/**', 'a/b/c', true],
    ['**/c', 'a/b/c', true],
    ['v?', 'v1', true],
    ['v?', 'v10', false],
    ['{web,api}', 'api', true],
    ['{web,api}', 'db', false],
    ['{team/**,web}', 'team/x/y', true],
    ['v[0-9].*', 'v1.2', true],
    ['v[0-9].*', 'vx.2', false],
    ['*', '.hidden', true],
    ['release-*', 'release-', true],
    ['!x', '!x', true],
    ['v1', 'V1', false],
  ])('%s against %s → %s', (pattern, value, expected) => {
    expect(selects(tag(pattern), value)).toBe(expected);
  });

  it('excludes select what does not match', () => {
    expect(selects(tag('dev-*', 'excludes'), 'dev-1')).toBe(false);
    expect(selects(tag('dev-*', 'excludes'), 'rel-1')).toBe(true);
  });

  it('matches repositories by their name without the project', () => {
    expect(repositoryPathOf('library/team/api')).toBe('team/api');
    expect(repositoryPathOf('solo')).toBe('solo');
    const repo: Selector = { kind: 'doublestar', decoration: 'repoMatches', pattern: 'team/*' };
    expect(selectsRepository(repo, 'library/team/api')).toBe(true);
    expect(selectsRepository(repo, 'team/api/x')).toBe(false);
    expect(selectsRepository({ ...repo, decoration: 'repoExcludes' }, 'library/team/api')).toBe(false);
  });
});

describe('isImmutable', () => {
  it('is true when an enabled rule selects both the repository and the tag', () => {
    const rules = [rule('v*', 'app'), rule('stable', '{web,api}')];
    expect(isImmutable(rules, 'p/app', 'v1')).toBe(true);
    expect(isImmutable(rules, 'p/app', 'latest')).toBe(false);
    expect(isImmutable(rules, 'p/api', 'stable')).toBe(true);
    expect(isImmutable(rules, 'p/db', 'stable')).toBe(false);
    expect(immutableRuleFor(rules, 'p/web', 'stable')).toBe(rules[1]);
  });

  it('ignores disabled rules and rules without selectors', () => {
    expect(isImmutable([rule('**', '**', { disabled: true })], 'p/app', 'v1')).toBe(false);
    expect(isImmutable([rule('**', '**', { tagSelectors: [] })], 'p/app', 'v1')).toBe(false);
    expect(mayProtect([rule('**', 'web', { disabled: true }), rule('**', 'api')], 'p/web')).toBe(false);
    expect(mayProtect([rule('**', 'api')], 'p/api')).toBe(true);
  });
});

describe('immutableRuleSpecOf', () => {
  const body = {
    tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v*' }],
    scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
  };

  it('reads Harbor’s body with defaults', () => {
    expect(immutableRuleSpecOf(body)).toEqual({
      priority: 0,
      disabled: false,
      tagSelectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v*' }],
      repositorySelectors: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }],
    });
  });

  it.each([
    ['no tag selector', { ...body, tag_selectors: [] }],
    ['an empty pattern', { ...body, tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '' }] }],
    ['a label selector', { ...body, tag_selectors: [{ kind: 'label', decoration: 'withLabels', pattern: 'x' }] }],
    ['a namespace scope', { ...body, scope_selectors: { ...body.scope_selectors, namespace: [] } }],
    ['another action', { ...body, action: 'retain' }],
    ['another template', { ...body, template: 'always' }],
    ['a fractional priority', { ...body, priority: 1.5 }],
  ])('refuses %s', (_name, value) => {
    expect(() => immutableRuleSpecOf(value)).toThrow(InvalidError);
  });
});
