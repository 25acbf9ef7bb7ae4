import { PreconditionFailedError } from '../domain/errors.js';
import { immutableRuleFor, mayProtect, type ImmutableRule } from '../domain/immutable-rules.js';
import { repositoryPathOf } from '../domain/selectors.js';
import { projectNameOf } from '../lib/reference.js';
import type { StoreRecords } from '../ports/store.js';
import type { RegistryPolicy, RegistryWrite } from '../registry-core/policies.js';

/** Tags of a repository read per query when a repository delete is checked. */
const TAG_PAGE = 1000;

/**
 * The error Harbor's immutable middleware answers (412 PRECONDITION on the API; on /v2 Wharf sends OCI `DENIED`
 * with status 412), naming the tag and the rule that protects it.
 */
export function immutableTagError(repository: string, tag: string, rule: ImmutableRule): PreconditionFailedError {
  return new PreconditionFailedError(
    `Failed to process request due to '${repositoryPathOf(repository)}:${tag}' configured as immutable (immutable tag rule ${rule.id}).`,
  );
}

/** The tags a write would move or remove: none for writes that cannot touch an existing tag. */
function tagsAt(write: RegistryWrite): readonly string[] | 'repository' | undefined {
  switch (write.kind) {
    case 'tag.move':
    case 'tag.delete':
      return [write.tag];
    case 'artifact.delete':
      return write.tags.length > 0 ? write.tags : undefined;
    case 'repository.delete':
      return 'repository';
    case 'upload.start':
    case 'upload.chunk':
    case 'upload.cancel':
    case 'upload.complete':
    case 'blob.mount':
    case 'blob.delete':
    case 'manifest.put':
    case 'tag.create':
      return undefined;
  }
}

async function repositoryTags(tx: StoreRecords, repository: string): Promise<string[]> {
  const record = await tx.repositories.get(repository);
  if (!record) return [];
  const names: string[] = [];
  for (let last: string | undefined; ;) {
    const page = await tx.tags.list(record.id, { limit: TAG_PAGE, ...(last !== undefined && { last }) });
    names.push(...page);
    if (page.length < TAG_PAGE) return names;
    last = page[page.length - 1];
  }
}

/**
 * The immutability link of the policy chain (Harbor's immutable middlewares and the artifact controller's check):
 * moving a tag that an enabled rule of its project selects to another manifest, deleting it, deleting an artifact
 * that carries it and deleting a repository that holds it are refused. Creating a tag and pushing the digest a tag
 * already points at never reach this link (the core asks `tag.create`, or nothing). The project and its rules are read
 * inside the write's transaction (two queries) only at these points: pulls and pushes of new content cost nothing.
 */
export function immutableTagPolicy(fallback: StoreRecords): RegistryPolicy {
  return {
    name: 'immutable-tags',
    async beforeWrite(write, ctx) {
      const tags = tagsAt(write);
      if (tags === undefined) return;
      const tx = ctx.tx ?? fallback;
      const project = await tx.projects.getByName(projectNameOf(write.repository));
      if (!project) return;
      const rules = await tx.immutableRules.ofProject(project.id);
      if (!mayProtect(rules, write.repository)) return;
      const names = tags === 'repository' ? await repositoryTags(tx, write.repository) : tags;
      for (const tag of names) {
        const rule = immutableRuleFor(rules, write.repository, tag);
        if (rule) throw immutableTagError(write.repository, tag, rule);
      }
    },
  };
}
