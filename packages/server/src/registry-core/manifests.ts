import { artifactMediaTypeOf } from '../domain/artifact-type.js';
import { ContentMissingError, InvalidError, NotFoundError } from '../domain/errors.js';
import { parseManifest, type ParsedManifest } from '../domain/manifest.js';
import { digestOf } from '../lib/digest.js';
import { PathNotFoundError, type BlobStore } from '../ports/blob-store.js';
import type { ManifestRecord, ManifestReference, MetadataStore, RepositoryRecord } from '../ports/metadata-store.js';
import type { ContentCache } from './content-cache.js';
import { blobDataPath } from './paths.js';
import { parseReference, requireDigest, requireName } from './references.js';

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
  constructor(
    private readonly store: MetadataStore,
    private readonly storage: BlobStore,
    private readonly cache: ContentCache,
    private readonly maxBytes: number,
  ) {}

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
    await this.requireReferences(repo, parsed);
    // Content first, then the record: a record never points at content that is not durably stored. Content that is
    // recorded but was lost from storage is written again.
    const path = blobDataPath(requireDigest(digest));
    if (!(await this.store.blobs.get(digest)) || !(await exists(this.storage, path))) {
      await this.storage.putContent(path, body);
    }
    this.cache.set(digest, body);
    const references: ManifestReference[] = [
      ...parsed.blobs.map((d) => ({ digest: d.digest, kind: 'blob' as const })),
      ...parsed.manifests.map((d) => ({ digest: d.digest, kind: 'manifest' as const })),
    ];
    await this.store.transaction(async (tx) => {
      await tx.blobs.put({ digest, size: body.length });
      const target = repo ?? (await tx.repositories.ensure(name));
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
        },
        dedupe(references),
      );
      if (ref.kind === 'tag') await tx.tags.put(target.id, ref.tag, record.id);
    });
    return { digest, subject: parsed.subject?.digest };
  }

  /** Deletes a tag (reference is a tag) or a manifest with all its tags (reference is a digest). */
  async delete(name: string, reference: string): Promise<void> {
    requireName(name);
    const ref = parseReference(reference);
    const repo = await this.store.repositories.get(name);
    const deleted =
      repo !== undefined &&
      (ref.kind === 'tag'
        ? await this.store.tags.delete(repo.id, ref.tag)
        : await this.store.manifests.delete(repo.id, ref.digest.value));
    if (!deleted) throw new NotFoundError('manifest', reference, `manifest ${reference} not found in ${name}`);
  }

  private async requireReferences(repo: RepositoryRecord | undefined, parsed: ParsedManifest): Promise<void> {
    const blobDigests = parsed.blobs.map((d) => d.digest);
    const childDigests = parsed.manifests.map((d) => d.digest);
    const linked = repo && blobDigests.length ? await this.store.blobs.linkedOf(repo.id, blobDigests) : new Set();
    const children =
      repo && childDigests.length ? await this.store.manifests.existingOf(repo.id, childDigests) : new Set();
    const missing = [
      ...blobDigests.filter((d) => !linked.has(d)).map((digest) => ({ digest, kind: 'blob' })),
      ...childDigests.filter((d) => !children.has(d)).map((digest) => ({ digest, kind: 'manifest' })),
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
