/**
 * Harbor's selectors (src/lib/selector): which repositories and tags a rule applies to. Immutable tag rules use
 * them now; retention and replication filters are to reuse them. Only the `doublestar` kind exists for names;
 * patterns follow lib/glob.ts.
 *
 * Repository selectors match the repository name *without* its project (Harbor parses `project/rest` and matches
 * `rest`), tag selectors the tag name.
 */
import { globMatches } from '../lib/glob.js';

export type RepositoryDecoration = 'repoMatches' | 'repoExcludes';
export type TagDecoration = 'matches' | 'excludes';

/** Harbor's ImmutableSelector (and retention's selector): kind, decoration, pattern and opaque extras. */
export interface Selector<D extends string = string> {
  readonly kind: 'doublestar';
  readonly decoration: D;
  readonly pattern: string;
  /** Harbor's JSON-encoded extras (`{"untagged":…}` for retention); kept as given. */
  readonly extras?: string | undefined;
}

export const REPOSITORY_DECORATIONS: readonly RepositoryDecoration[] = ['repoMatches', 'repoExcludes'];
export const TAG_DECORATIONS: readonly TagDecoration[] = ['matches', 'excludes'];

/** The repository name as selectors see it: without the project (`library/a/b` → `a/b`). */
export function repositoryPathOf(repository: string): string {
  const slash = repository.indexOf('/');
  return slash < 0 ? repository : repository.slice(slash + 1);
}

/** Whether a selector (matches or excludes) selects `value`. */
export function selects(selector: Selector, value: string): boolean {
  const matched = globMatches(selector.pattern, value);
  return selector.decoration === 'repoExcludes' || selector.decoration === 'excludes' ? !matched : matched;
}

/** Whether a repository selector selects the repository named `repository` (project first). */
export function selectsRepository(selector: Selector, repository: string): boolean {
  return selects(selector, repositoryPathOf(repository));
}
