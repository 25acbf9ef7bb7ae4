/**
 * Name and tag grammar of the OCI Distribution Specification v1.1
 * (https://github.com/opencontainers/distribution-spec, "Pulling manifests").
 */
const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** Longest repository name accepted (distribution's limit). */
export const MAX_NAME_LENGTH = 255;

export function isValidRepositoryName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && matchesNameGrammar(name);
}

/** Whether the name follows the grammar, whatever its length (distribution checks the length separately). */
export function matchesNameGrammar(name: string): boolean {
  return NAME.test(name);
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** The project a repository belongs to: the first segment of its name (the whole name when it has none). */
export function projectNameOf(repository: string): string {
  const slash = repository.indexOf('/');
  return slash < 0 ? repository : repository.slice(0, slash);
}
