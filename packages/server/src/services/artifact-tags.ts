import { ConflictError, InvalidError, NotFoundError } from '../domain/errors.js';
import { isValidTag } from '../lib/reference.js';
import type { PagedResult, TagQuery, TagRecord } from '../ports/metadata-store.js';
import type { Store } from '../ports/store.js';
import type { Registry } from '../registry-core/registry.js';
import type { ArtifactService } from './artifacts.js';
import { operatorOf, type SecurityContext } from './authenticator.js';

export interface NewTagInput {
  readonly name?: unknown;
}

/** The tags of an artifact (Harbor's `.../artifacts/{reference}/tags`): list, create, delete. */
export class ArtifactTagService {
  constructor(
    private readonly artifacts: ArtifactService,
    private readonly store: Store,
    private readonly registry: Registry,
  ) {}

  async list(
    ctx: SecurityContext,
    projectName: string,
    repositoryName: string,
    reference: string,
    query: TagQuery,
    withImmutableStatus = false,
  ): Promise<PagedResult<TagRecord> & { readonly immutableTags?: ReadonlySet<string> }> {
    const { project, repository, record } = await this.artifacts.locate(
      ctx,
      projectName,
      repositoryName,
      reference,
      'tag',
      'list',
    );
    const page = await this.store.tags.query(record.id, query);
    if (!withImmutableStatus) return page;
    return { ...page, immutableTags: await this.artifacts.immutableTagsOf(project, repository, page.items) };
  }

  /** Tags the artifact; like Harbor, refuses (409) a name the repository already uses rather than moving it. */
  async create(
    ctx: SecurityContext,
    projectName: string,
    repositoryName: string,
    reference: string,
    input: NewTagInput,
  ): Promise<TagRecord> {
    const { repository, record } = await this.artifacts.locate(
      ctx,
      projectName,
      repositoryName,
      reference,
      'tag',
      'create',
    );
    const name = input.name;
    if (typeof name !== 'string' || !isValidTag(name)) {
      throw new InvalidError(
        'field',
        'name must be a tag: up to 128 letters, digits, _, . and -, not starting with . or -',
      );
    }
    if (!(await this.registry.artifacts.createTag(repository, record, name, { by: operatorOf(ctx) }))) {
      throw new ConflictError(`tag ${name} already exists in repository ${repository.name}`);
    }
    const created = await this.store.tags.get(repository.id, name);
    if (!created) throw new NotFoundError('tag', name, `tag ${name} was deleted while being created`);
    return created;
  }

  /** Removes the tag from the artifact (through the registry, as a /v2 tag delete would); the artifact stays. */
  async delete(ctx: SecurityContext, projectName: string, repositoryName: string, reference: string, name: string) {
    const { repository, record } = await this.artifacts.locate(
      ctx,
      projectName,
      repositoryName,
      reference,
      'tag',
      'delete',
    );
    const tag = await this.store.tags.get(repository.id, name);
    if (!tag || tag.manifestId !== record.id) {
      throw new NotFoundError('tag', name, `tag ${name} not found on artifact ${record.digest}`);
    }
    if (!(await this.registry.artifacts.deleteTag(repository, name, { by: operatorOf(ctx) }))) {
      throw new NotFoundError('tag', name, `tag ${name} not found on artifact ${record.digest}`);
    }
  }
}
