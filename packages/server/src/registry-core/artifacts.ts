import { ConflictError, NotFoundError } from '../domain/errors.js';
import type { Emit } from '../events/unit-of-work.js';
import type { ManifestRecord, RepositoryRecord } from '../ports/metadata-store.js';
import type { StoreRecords } from '../ports/store.js';
import type { Actor, CoreDependencies } from './core.js';
import type { ManifestService } from './manifests.js';

/**
 * The registry changes the management API asks for (Harbor's artifact, tag and repository endpoints), made by the
 * core like the /v2 ones: inside one unit of work, past the policy chain, recording their events.
 */
export class ArtifactOperations {
  constructor(
    private readonly core: CoreDependencies,
    private readonly manifests: ManifestService,
  ) {}

  /** Tags the manifest; false, changing nothing, when the repository already has a tag of that name. */
  async createTag(repository: RepositoryRecord, record: ManifestRecord, tag: string, actor: Actor = {}) {
    return this.core.work.run(({ tx, emit }) => this.manifests.createTag(tx, emit, repository, tag, record, actor));
  }

  /** Removes a tag; false when the repository has none of that name. */
  async deleteTag(repository: RepositoryRecord, tag: string, actor: Actor = {}): Promise<boolean> {
    return this.core.work.run(({ tx, emit }) => this.manifests.deleteTag(tx, emit, repository, tag, actor));
  }

  /**
   * Harbor's deep delete, in one unit of work: the artifact with its tags, its accessories (manifests whose subject
   * it is), and the children of an index that are neither tagged nor in another index. An artifact that an index of
   * the repository contains is refused (ConflictError); one that is gone already is NotFoundError.
   */
  async deleteDeep(repository: RepositoryRecord, digest: string, actor: Actor = {}): Promise<void> {
    await this.core.work.run(async ({ tx, emit }) => {
      const record = await tx.manifests.get(repository.id, digest);
      if (!record) throw new NotFoundError('manifest', digest, `manifest ${digest} not found in ${repository.name}`);
      const parents = await tx.manifests.parents(repository.id, digest);
      if (parents.length > 0) {
        throw new ConflictError(
          `artifact ${digest} is referenced by ${parents.map((p) => p.digest).join(', ')}; delete that first`,
        );
      }
      await this.deleteDeeply(tx, emit, repository, record, { force: true, seen: new Set() }, actor);
    });
  }

  /**
   * Garbage collection's delete of an untagged artifact, in one unit of work: first the blob rows of the artifact,
   * its children and its accessories are locked (a push that would tag or reference one of them waits), then it is
   * checked again that the artifact is still there, untagged and in no index, and it is deleted deeply (with its
   * accessories and the children nothing else holds). False when a push got there first.
   */
  async deleteUntagged(repository: RepositoryRecord, digest: string, actor: Actor = {}): Promise<boolean> {
    return this.core.work.run(async ({ tx, emit }) => {
      const found = await tx.manifests.get(repository.id, digest);
      if (!found) return false;
      const children = (await tx.manifests.references(found.id)).filter((r) => r.kind === 'manifest');
      const accessories = await tx.manifests.referrersOf(repository.id, [digest]);
      await tx.garbage.lockBlobs([digest, ...children.map((c) => c.digest), ...accessories.map((a) => a.digest)]);
      const record = await tx.manifests.get(repository.id, digest);
      if (!record) return false;
      if ((await tx.tags.ofManifests([record.id])).length > 0) return false;
      if ((await tx.manifests.parents(repository.id, digest)).length > 0) return false;
      await this.deleteDeeply(tx, emit, repository, record, { force: true, seen: new Set() }, actor);
      return true;
    });
  }

  /** Deletes the repository with its manifests, tags and blob links (blob content stays for garbage collection). */
  async deleteRepository(repository: RepositoryRecord, actor: Actor = {}): Promise<boolean> {
    return this.core.work.run(async ({ tx, emit }) => {
      await this.core.policies.beforeWrite(
        { kind: 'repository.delete', repository: repository.name },
        { tx, by: actor.by },
      );
      if (!(await tx.repositories.delete(repository.id))) return false;
      emit({ type: 'repository.deleted', repository: repository.name }, actor.by);
      return true;
    });
  }

  private async deleteDeeply(
    tx: StoreRecords,
    emit: Emit,
    repository: RepositoryRecord,
    record: ManifestRecord,
    opts: { force: boolean; seen: Set<string> },
    actor: Actor,
  ): Promise<void> {
    if (opts.seen.has(record.digest)) return;
    opts.seen.add(record.digest);
    if (!opts.force) {
      if ((await tx.manifests.parents(repository.id, record.digest)).length > 0) return;
      if ((await tx.tags.ofManifests([record.id])).length > 0) return;
    }
    const childDigests = (await tx.manifests.references(record.id))
      .filter((r) => r.kind === 'manifest')
      .map((r) => r.digest);
    const children = await tx.manifests.getMany(repository.id, childDigests);
    const accessories = await tx.manifests.referrersOf(repository.id, [record.digest]);
    await this.manifests.deleteManifest(tx, emit, repository, record.digest, actor);
    for (const accessory of accessories) {
      await this.deleteDeeply(tx, emit, repository, accessory, { ...opts, force: true }, actor);
    }
    for (const child of children) {
      await this.deleteDeeply(tx, emit, repository, child, { ...opts, force: false }, actor);
    }
  }
}
