/**
 * The evaluation of a retention policy over one repository's artifacts, as Harbor's OR processor does it
 * (src/pkg/retention/policy/alg/or, rule/{latestps,latestpl,daysps,dayspl,always}, lib/selector/selectors):
 * pure functions, no I/O.
 *
 * - The candidates are the repository's artifacts (tagged, and untagged ones outside any index), each with all its
 *   tags, its labels' names, its push time (the latest of the artifact's and its tags' pushes) and pull time.
 * - Each enabled rule selects candidates with its tag selectors in turn (all must select), then keeps what its
 *   template retains. The retained set is the union over the rules (`or`).
 * - Every candidate not retained is deleted as a whole artifact (with all its tags), unless one of its tags is
 *   immutable: then it is kept and reported as such (Harbor's ImmutableError), and counts as retained.
 */
import { globMatches } from '../lib/glob.js';
import { repositoryPathOf } from '../domain/selectors.js';
import type { RetentionRule, RetentionSelector } from '../domain/retention-policy.js';

export interface Candidate {
  readonly digest: string;
  readonly tags: readonly string[];
  /** Label names. */
  readonly labels: readonly string[];
  /** ms since the epoch; 0 when never. */
  readonly pushedAt: number;
  readonly pulledAt: number;
  /** Harbor's artifact type (IMAGE, CHART, …), named in the TAG_RETENTION webhook's deleted artifacts. */
  readonly type?: string | undefined;
}

export type Outcome = 'retain' | 'delete' | 'immutable';

export interface Decision {
  readonly candidate: Candidate;
  readonly outcome: Outcome;
  /** The ids of the rules that retained it. */
  readonly rules: readonly number[];
}

const DAY_MS = 86_400_000;

/** A doublestar pattern, with Harbor's rule that an empty pattern matches everything. */
function matches(pattern: string, value: string): boolean {
  return pattern === '' || globMatches(pattern, value);
}

function untaggedOf(selector: RetentionSelector): boolean {
  let untagged = selector.decoration !== 'excludes';
  if (selector.extras) {
    try {
      const extras = JSON.parse(selector.extras) as { untagged?: unknown };
      untagged = extras.untagged === true;
    } catch {
      // Harbor ignores extras it cannot parse.
    }
  }
  return untagged;
}

/** Whether a tag selector selects the candidate (Harbor's doublestar and label selectors). */
export function tagSelectorSelects(selector: RetentionSelector, candidate: Candidate): boolean {
  if (selector.kind === 'label') {
    const names = selector.pattern.split(',').filter((n) => n !== '');
    const has = new Set(candidate.labels);
    return selector.decoration === 'withoutLabels' ? names.every((n) => !has.has(n)) : names.every((n) => has.has(n));
  }
  if (candidate.tags.length === 0) {
    const untagged = untaggedOf(selector);
    return selector.decoration === 'excludes' ? !untagged : untagged;
  }
  // As Harbor: `matches` selects an artifact with any matching tag, `excludes` one with any tag not matching.
  return selector.decoration === 'excludes'
    ? candidate.tags.some((t) => !matches(selector.pattern, t))
    : candidate.tags.some((t) => matches(selector.pattern, t));
}

/** Whether a rule's repository selectors (all of them) select the repository (full name, project first). */
export function ruleSelectsRepository(rule: RetentionRule, repository: string): boolean {
  const path = repositoryPathOf(repository);
  return rule.scope_selectors.repository.every((s) => {
    const matched = matches(s.pattern, path);
    return s.decoration === 'repoExcludes' ? !matched : matched;
  });
}

function paramOf(rule: RetentionRule): number {
  const value = rule.params[rule.template];
  return typeof value === 'number' ? value : 0;
}

function newestFirst(by: (c: Candidate) => number) {
  return (a: Candidate, b: Candidate) => by(b) - by(a) || (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0);
}

/** What one rule's template retains of the candidates its selectors selected. */
export function templateRetains(rule: RetentionRule, selected: readonly Candidate[], now: number): Candidate[] {
  const n = paramOf(rule);
  switch (rule.template) {
    case 'latestPushedK':
      return [...selected].sort(newestFirst((c) => c.pushedAt)).slice(0, n);
    case 'latestPulledN':
      return [...selected].sort(newestFirst((c) => c.pulledAt)).slice(0, n);
    case 'nDaysSinceLastPush':
      return selected.filter((c) => c.pushedAt >= now - n * DAY_MS);
    case 'nDaysSinceLastPull':
      return selected.filter((c) => c.pulledAt >= now - n * DAY_MS);
    case 'always':
      return [...selected];
  }
}

/**
 * Decides every candidate of one repository under the rules that apply to it (enabled rules whose repository
 * selectors select it). `isImmutable(tag)` says whether an immutable tag rule protects a tag of this repository.
 */
export function evaluate(
  rules: readonly RetentionRule[],
  candidates: readonly Candidate[],
  now: number,
  isImmutable: (tag: string) => boolean,
): Decision[] {
  const retainedBy = new Map<string, number[]>();
  for (const rule of rules) {
    if (rule.disabled) continue;
    const selected = candidates.filter((c) => rule.tag_selectors.every((s) => tagSelectorSelects(s, c)));
    for (const kept of templateRetains(rule, selected, now)) {
      const list = retainedBy.get(kept.digest) ?? [];
      list.push(rule.id);
      retainedBy.set(kept.digest, list);
    }
  }
  return candidates.map((candidate) => {
    const by = retainedBy.get(candidate.digest);
    if (by) return { candidate, outcome: 'retain', rules: by };
    return { candidate, outcome: candidate.tags.some(isImmutable) ? 'immutable' : 'delete', rules: [] };
  });
}

/** Harbor's task counts: every candidate, and those kept (retained or immutable). */
export function countsOf(decisions: readonly Decision[]): { total: number; retained: number } {
  return {
    total: decisions.length,
    retained: decisions.filter((d) => d.outcome !== 'delete').length,
  };
}

/** The repositories (full names) each enabled rule applies to, and which rules apply to each. */
export function rulesByRepository(
  rules: readonly RetentionRule[],
  repositories: readonly string[],
): Map<string, RetentionRule[]> {
  const result = new Map<string, RetentionRule[]>();
  for (const rule of rules) {
    if (rule.disabled) continue;
    for (const repository of repositories) {
      if (!ruleSelectsRepository(rule, repository)) continue;
      const list = result.get(repository) ?? [];
      list.push(rule);
      result.set(repository, list);
    }
  }
  return result;
}
