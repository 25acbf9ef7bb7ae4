import { artifactMediaTypeOf } from '../domain/artifact-type.js';
import { ContentMissingError, InvalidError, NotFoundError } from '../domain/errors.js';
import { parseManifest, type ParsedManifest } from '../domain/manifest.js';
import { digestOf } from '../lib/digest.js';
import type { Emit } from '../events/unit-of-work.js';
import { PathNotFoundError, type BlobStore } from '../ports/blob-store.js';
import type { ManifestRecord, ManifestReference, RepositoryRecord } from '../ports/metadata-store.js';
import type { StoreRecords } from '../ports/store.js';
import type { ContentCache } from './content-cache.js';
import type { Actor, CoreDependencies } from './core.js';
import { blobDataPath } from './paths.js';
import { parseReference, requireDigest, requireName } from './references.js';
import { blobBeingCollected } from './collection-guard.js';
import { ensureRepository } from './repository-records.js';
import { recordHistory } from './history-recording.js';

export interface StoredManifest {
  readonly record: ManifestRecord;
  readonly content: Buffer;
}

export interface PutManifestResult {
  readonly digest: string;
  readonly subject?: string | undefined;
}

/** Manifests and tags of a repository. */
export class ManifestService {
  private readonly store: CoreDependencies['store'];
  private readonly storage: CoreDependencies['storage'];

  constructor(
    private readonly core: CoreDependencies,
    private readonly cache: ContentCache,
    private readonly maxBytes: number,
  ) {
    this.store = core.store;
    this.storage = core.storage;
  }

  get maxManifestBytes(): number {
    return this.maxBytes;
  }

  /** Resolves a tag or digest to the manifest record, without reading content. */
  async resolve(name: string, reference: string): Promise<ManifestRecord> {
    requireName(name);
    const ref = parseReference(reference);
    const record = await this.store.manifests.resolve(
      name,
      ref.kind === 'tag' ? { tag: ref.tag } : { digest: ref.digest.value },
    );
    if (record) return record;
    throw new NotFoundError('manifest', reference, `manifest ${reference} not found in ${name}`);
  }

  async get(name: string, reference: string): Promise<StoredManifest> {
    const record = await this.resolve(name, reference);
    return { record, content: await this.content(record.digest) };
  }

  /**
   * Serves a pull of a resolved manifest (GET, not HEAD): asks the pull policies, reads the content, and publishes
   * the transient `artifact.pulled` event (pull counts and times are its subscriber).
   */
  async pull(name: string, record: ManifestRecord, reference: string, actor: Actor = {}): Promise<Buffer> {
    const tag = reference.includes(':') ? undefined : reference;
    const { policies, bus, clock } = this.core;
    if (policies.checksPulls) {
      await policies.beforePull({ repository: name, digest: record.digest, mediaType: record.mediaType, tag }, actor);
    }
    const content = this.cache.get(record.digest) ?? (await this.content(record.digest));
    // Built only for a listener (the pull recorder is one in every deployment).
    if (!bus.hasSubscribers('artifact.pulled')) return content;
    bus.publish({
      type: 'artifact.pulled',
      repository: name,
      digest: record.digest,
      manifestId: record.id,
      repositoryId: record.repositoryId,
      tag,
      mediaType: record.mediaType,
      size: content.length,
      at: clock.now(),
      by: actor.by,
    });
    return content;
  }

  /** The manifest's bytes if the content cache holds them: no storage read, no promise (HEAD asks this first). */
  cachedContent(digest: string): Buffer | undefined {
    return this.cache.get(digest);
  }

  /** The manifest's bytes, from the cache or storage (ContentMissingError when storage has lost them). */
  async content(digest: string): Promise<Buffer> {
    const cached = this.cache.get(digest);
    if (cached) return cached;
    const path = blobDataPath(requireDigest(digest));
    let content: Buffer;
    try {
      content = await this.storage.getContent(path);
    } catch (err) {
      throw err instanceof PathNotFoundError ? new ContentMissingError('manifest', digest, path) : err;
    }
    this.cache.set(digest, content);
    return content;
  }

  async put(
    name: string,
    reference: string,
    body: Buffer,
    contentType: string | undefined,
    actor: Actor = {},
  ): Promise<PutManifestResult> {
    requireName(name);
    const ref = parseReference(reference);
    if (body.length > this.maxBytes) {
      throw new InvalidError('too-large', `manifest is ${body.length} bytes; the limit is ${this.maxBytes}`);
    }
    const algorithm = ref.kind === 'digest' ? ref.digest.algorithm : 'sha256';
    const digest = digestOf(body, algorithm);
    if (ref.kind === 'digest' && ref.digest.value !== digest) {
      throw new InvalidError('digest', `manifest content has digest ${digest}, not ${ref.digest.value}`);
    }
    const parsed = parseManifest(body, contentType);
    const repo = await this.store.repositories.get(name);
    await this.requireReferences(this.store, repo, parsed);
    // Content first, then the record: a record never points at content that is not durably stored. Content that is
    // recorded but was lost from storage is written again.
    const path = blobDataPath(requireDigest(digest));
    const known = await this.store.blobs.get(digest);
    if (known?.deleting) throw blobBeingCollected(digest);
    if (!known || !(await exists(this.storage, path))) {
      await this.storage.putContent(path, body);
    }
    this.cache.set(digest, body);
    const references: ManifestReference[] = [
      ...parsed.blobs.map((d) => ({ digest: d.digest, kind: 'blob' as const })),
      ...parsed.manifests.map((d) => ({ digest: d.digest, kind: 'manifest' as const })),
    ];
    const tag = ref.kind === 'tag' ? ref.tag : undefined;
    await this.core.work.run(async ({ tx, emit }) => {
      const write = {
        kind: 'manifest.put',
        repository: name,
        digest,
        mediaType: parsed.mediaType,
        size: body.length,
        tag,
        subject: parsed.subject?.digest,
        references: references.map((r) => r.digest),
      } as const;
      await this.core.policies.beforeWrite(write, { tx, emit, by: actor.by });
      // Records (or touches) the manifest's content and touches what it references: their row locks keep garbage
      // collection off them until commit, and what it deleted before is found missing by the check that follows.
      const now = this.core.clock.now();
      if (!(await tx.blobs.put({ digest, size: body.length }, now))) throw blobBeingCollected(digest);
      const live =
        references.length > 0
          ? await tx.blobs.touch(
              references.map((r) => r.digest),
              now,
            )
          : new Set<string>();
      const target = repo ?? (await ensureRepository(tx, name));
      if (references.length > 0) await this.requireReferences(tx, target, parsed, live);
      const record = await tx.manifests.put(
        {
          repositoryId: target.id,
          digest,
          mediaType: parsed.mediaType,
          size: body.length,
          artifactType: parsed.artifactType,
          subject: parsed.subject?.digest,
          annotations: parsed.annotations,
          artifactMediaType: artifactMediaTypeOf(parsed.mediaType, parsed.config?.mediaType, parsed.annotations),
          at: now,
        },
        dedupe(references),
      );
      // Every push is an event (Harbor's PUSH_ARTIFACT fires again when the same manifest is pushed again).
      emit(
        {
          type: 'artifact.pushed',
          repository: name,
          digest,
          mediaType: parsed.mediaType,
          artifactType: parsed.artifactType,
          tag,
          size: body.length,
          subject: parsed.subject?.digest,
        },
        actor.by,
      );
      if (tag !== undefined) await this.putTag(tx, emit, target.id, name, tag, record, actor);
    });
    return { digest, subject: parsed.subject?.digest };
  }

  /** Deletes a tag (reference is a tag) or a manifest with all its tags (reference is a digest). */
  async delete(name: string, reference: string, actor: Actor = {}): Promise<void> {
    requireName(name);
    const ref = parseReference(reference);
    const deleted = await this.core.work.run(async ({ tx, emit }) => {
      const repo = await tx.repositories.get(name);
      if (!repo) return false;
      return ref.kind === 'tag'
        ? this.deleteTag(tx, emit, repo, ref.tag, actor)
        : this.deleteManifest(tx, emit, repo, ref.digest.value, actor);
    });
    if (!deleted) throw new NotFoundError('manifest', reference, `manifest ${reference} not found in ${name}`);
  }

  /**
   * Points `tag` at `record` inside the unit of work, after the tag policies agree (`tag.create` or `tag.move`);
   * records `tag.created` or `tag.moved` unless the tag already pointed there.
   */
  async putTag(
    tx: StoreRecords,
    emit: Emit,
    repositoryId: number,
    repository: string,
    tag: string,
    record: ManifestRecord,
    actor: Actor,
  ): Promise<void> {
    const current = await tx.tags.get(repositoryId, tag);
    if (current?.manifestId === record.id) return;
    const kind = current ? 'tag.move' : 'tag.create';
    const previous = current?.digest;
    await this.core.policies.beforeWrite(
      { kind, repository, tag, digest: record.digest, previous },
      { tx, by: actor.by },
    );
    if (current) {
      const moved = await tx.manifests.get(repositoryId, current.digest);
      await recordHistory(
        this.core,
        tx,
        [{ repositoryId, tag, digest: current.digest, mediaType: moved?.mediaType ?? '', kind: 'tag.moved' }],
        actor,
      );
    }
    await tx.tags.put(repositoryId, tag, record.id, this.core.clock.now());
    emit({ type: current ? 'tag.moved' : 'tag.created', repository, tag, digest: record.digest, previous }, actor.by);
  }

  /** Creates a tag that does not exist yet (the management API's rule); false, changing nothing, when it does. */
  async createTag(
    tx: StoreRecords,
    emit: Emit,
    repository: RepositoryRecord,
    tag: string,
    record: ManifestRecord,
    actor: Actor,
  ): Promise<boolean> {
    await this.core.policies.beforeWrite(
      { kind: 'tag.create', repository: repository.name, tag, digest: record.digest },
      { tx, by: actor.by },
    );
    // The manifest's row lock keeps garbage collection from deleting it untagged meanwhile; it may have done so before.
    await tx.garbage.lockBlobs([record.digest]);
    if (!(await tx.manifests.get(repository.id, record.digest))) {
      throw new NotFoundError('manifest', record.digest, `manifest ${record.digest} not found in ${repository.name}`);
    }
    if (!(await tx.tags.create(repository.id, tag, record.id, this.core.clock.now()))) return false;
    emit({ type: 'tag.created', repository: repository.name, tag, digest: record.digest }, actor.by);
    return true;
  }

  /** Removes a tag inside the unit of work; false when the repository has no such tag. */
  async deleteTag(
    tx: StoreRecords,
    emit: Emit,
    repository: RepositoryRecord,
    tag: string,
    actor: Actor,
  ): Promise<boolean> {
    const current = await tx.tags.get(repository.id, tag);
    if (!current) return false;
    await this.core.policies.beforeWrite(
      { kind: 'tag.delete', repository: repository.name, tag, digest: current.digest },
      { tx, by: actor.by },
    );
    const deleted = await tx.manifests.get(repository.id, current.digest);
    await recordHistory(
      this.core,
      tx,
      [
        {
          repositoryId: repository.id,
          tag,
          digest: current.digest,
          mediaType: deleted?.mediaType ?? '',
          kind: 'tag.deleted',
        },
      ],
      actor,
    );
    if (!(await tx.tags.delete(repository.id, tag))) return false;
    emit({ type: 'tag.deleted', repository: repository.name, tag, digest: current.digest }, actor.by);
    return true;
  }

  /** Removes a manifest with its tags inside the unit of work; false when the repository has no such manifest. */
  async deleteManifest(
    tx: StoreRecords,
    emit: Emit,
    repository: RepositoryRecord,
    digest: string,
    actor: Actor,
  ): Promise<boolean> {
    const record = await tx.manifests.get(repository.id, digest);
    if (!record) return false;
    const tags = (await tx.tags.ofManifests([record.id])).map((t) => t.name);
    await this.core.policies.beforeWrite(
      { kind: 'artifact.delete', repository: repository.name, digest, tags },
      { tx, by: actor.by },
    );
    // One entry per tag it had (restoring one brings the artifact back with that tag), one without a tag else.
    const lost: (string | undefined)[] = tags.length > 0 ? tags : [undefined];
    await recordHistory(
      this.core,
      tx,
      lost.map((tag) => ({
        repositoryId: repository.id,
        tag,
        digest,
        mediaType: record.mediaType,
        kind: 'artifact.deleted' as const,
      })),
      actor,
    );
    if (!(await tx.manifests.delete(repository.id, digest))) return false;
    emit(
      { type: 'artifact.deleted', repository: repository.name, digest, mediaType: record.mediaType, tags },
      actor.by,
    );
    return true;
  }

  /**
   * Refuses a manifest whose blobs are not linked to the repository or whose children are not in it; inside the
   * transaction also those that garbage collection is deleting (absent from `live`, what the transaction touched).
   */
  private async requireReferences(
    records: StoreRecords,
    repo: RepositoryRecord | undefined,
    parsed: ParsedManifest,
    live?: ReadonlySet<string>,
  ): Promise<void> {
    const blobDigests = parsed.blobs.map((d) => d.digest);
    const childDigests = parsed.manifests.map((d) => d.digest);
    const linked = repo && blobDigests.length ? await records.blobs.linkedOf(repo.id, blobDigests) : new Set();
    const children =
      repo && childDigests.length ? await records.manifests.existingOf(repo.id, childDigests) : new Set();
    const usable = (d: string, found: ReadonlySet<unknown>) => found.has(d) && (live === undefined || live.has(d));
    const missing = [
      ...blobDigests.filter((d) => !usable(d, linked)).map((digest) => ({ digest, kind: 'blob' })),
      ...childDigests.filter((d) => !usable(d, children)).map((digest) => ({ digest, kind: 'manifest' })),
    ];
    if (missing.length > 0) {
      const first = missing[0]!;
      throw new InvalidError(
        'manifest-blob-unknown',
        `manifest references ${first.kind} ${first.digest}, unknown to this repository`,
        { missing },
      );
    }
  }
}

async function exists(storage: BlobStore, path: string): Promise<boolean> {
  try {
    await storage.stat(path);
    return true;
  } catch (err) {
    if (err instanceof PathNotFoundError) return false;
    throw err;
  }
}

function dedupe(references: ManifestReference[]): ManifestReference[] {
  const seen = new Map<string, ManifestReference>();
  for (const ref of references) if (!seen.has(ref.digest)) seen.set(ref.digest, ref);
  return [...seen.values()];
}
