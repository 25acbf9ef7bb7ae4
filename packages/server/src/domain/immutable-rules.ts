/**
 * Immutable tag rules (Harbor's src/pkg/immutable): a tag that an enabled rule of its project selects may not be
 * moved to another manifest nor deleted, directly or with its artifact or repository. A rule has one repository
 * selector (`scope_selectors.repository[0]`) and one tag selector (`tag_selectors[0]`), as Harbor's matcher reads
 * them; further selectors are kept and ignored, as in Harbor.
 */
import { InvalidError } from './errors.js';
import {
  REPOSITORY_DECORATIONS,
  TAG_DECORATIONS,
  selects,
  selectsRepository,
  type RepositoryDecoration,
  type Selector,
  type TagDecoration,
} from './selectors.js';

/** Harbor's limit of immutable tag rules per project. */
export const MAX_IMMUTABLE_RULES_PER_PROJECT = 15;

export const IMMUTABLE_ACTION = 'immutable';
export const IMMUTABLE_TEMPLATE = 'immutable_template';

/** What a rule says, without its identity. */
export interface ImmutableRuleSpec {
  readonly priority: number;
  readonly disabled: boolean;
  readonly tagSelectors: readonly Selector<TagDecoration>[];
  readonly repositorySelectors: readonly Selector<RepositoryDecoration>[];
}

export interface ImmutableRule extends ImmutableRuleSpec {
  readonly id: number;
  readonly projectId: number;
}

/** What the matcher needs of a rule. */
export type ImmutableRuleLike = Pick<ImmutableRuleSpec, 'disabled' | 'tagSelectors' | 'repositorySelectors'>;

/** The first enabled rule that protects `tag` of `repository` (its full name, project first), if any. */
export function immutableRuleFor<R extends ImmutableRuleLike>(
  rules: readonly R[],
  repository: string,
  tag: string,
): R | undefined {
  return rules.find((rule) => {
    if (rule.disabled) return false;
    const repositorySelector = rule.repositorySelectors[0];
    const tagSelector = rule.tagSelectors[0];
    if (repositorySelector === undefined || tagSelector === undefined) return false;
    return selectsRepository(repositorySelector, repository) && selects(tagSelector, tag);
  });
}

/** Whether an enabled rule makes `tag` of `repository` (full name) immutable; retention skips such tags. */
export function isImmutable(rules: readonly ImmutableRuleLike[], repository: string, tag: string): boolean {
  return immutableRuleFor(rules, repository, tag) !== undefined;
}

/** Whether any enabled rule could protect a tag of `repository` (so that its tags need to be read at all). */
export function mayProtect(rules: readonly ImmutableRuleLike[], repository: string): boolean {
  return rules.some(
    (rule) =>
      !rule.disabled &&
      rule.tagSelectors[0] !== undefined &&
      rule.repositorySelectors[0] !== undefined &&
      selectsRepository(rule.repositorySelectors[0], repository),
  );
}

function invalid(message: string): InvalidError {
  return new InvalidError('field', message);
}

function selectorOf<D extends string>(value: unknown, where: string, decorations: readonly D[]): Selector<D> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${where} must be an object`);
  const { kind, decoration, pattern, extras } = value as Record<string, unknown>;
  if (kind !== 'doublestar') throw invalid(`${where}.kind must be doublestar`);
  if (typeof decoration !== 'string' || !decorations.includes(decoration as D)) {
    throw invalid(`${where}.decoration must be one of ${decorations.join(', ')}`);
  }
  if (typeof pattern !== 'string' || pattern === '') throw invalid(`${where}.pattern is required`);
  if (extras !== undefined && extras !== null && typeof extras !== 'string') {
    throw invalid(`${where}.extras must be a string`);
  }
  return { kind, decoration: decoration as D, pattern, ...(typeof extras === 'string' ? { extras } : {}) };
}

function selectorsOf<D extends string>(value: unknown, where: string, decorations: readonly D[]): Selector<D>[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid(`${where} needs at least one selector`);
  return value.map((item, i) => selectorOf(item, `${where}[${i}]`, decorations));
}

/**
 * Harbor's ImmutableRule body as a spec: `tag_selectors` and `scope_selectors.repository` required (doublestar,
 * with Harbor's decorations, a pattern), `action` and `template` when given must be Harbor's only values,
 * `priority` an integer, `disabled` a boolean. `defaults` fills what an update leaves out.
 */
export function immutableRuleSpecOf(body: Readonly<Record<string, unknown>>): ImmutableRuleSpec {
  const { priority, disabled, action, template, tag_selectors: tags, scope_selectors: scopes } = body;
  if (action !== undefined && action !== IMMUTABLE_ACTION) throw invalid(`action must be ${IMMUTABLE_ACTION}`);
  if (template !== undefined && template !== IMMUTABLE_TEMPLATE)
    throw invalid(`template must be ${IMMUTABLE_TEMPLATE}`);
  if (priority !== undefined && (typeof priority !== 'number' || !Number.isSafeInteger(priority))) {
    throw invalid('priority must be an integer');
  }
  if (disabled !== undefined && typeof disabled !== 'boolean') throw invalid('disabled must be a boolean');
  if (typeof scopes !== 'object' || scopes === null || Array.isArray(scopes)) {
    throw invalid('scope_selectors must be an object with a repository selector');
  }
  const extra = Object.keys(scopes).filter((k) => k !== 'repository');
  if (extra.length > 0) throw invalid(`scope_selectors may name only repository, not ${extra.join(', ')}`);
  return {
    priority: priority ?? 0,
    disabled: disabled ?? false,
    tagSelectors: selectorsOf(tags, 'tag_selectors', TAG_DECORATIONS),
    repositorySelectors: selectorsOf(
      (scopes as Record<string, unknown>).repository,
      'scope_selectors.repository',
      REPOSITORY_DECORATIONS,
    ),
  };
}
