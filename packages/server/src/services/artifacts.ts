import type { Action, ProjectResource } from '../domain/rbac/resources.js';
import type { ProjectRecord } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import type {
  ArtifactQuery,
  ManifestRecord,
  PagedResult,
  RepositoryRecord,
  TagRecord,
} from '../ports/metadata-store.js';
import type { Registry } from '../registry-core/registry.js';
import { ArtifactDetailsReader, type ArtifactDetails } from './artifact-details.js';
import { operatorOf, type SecurityContext } from './authenticator.js';
import { projectFor, repositoryIn } from './repository-scope.js';

/** A manifest with a subject, shown with the artifact it refers to (Harbor's accessory). */
export interface AccessoryView {
  readonly record: ManifestRecord;
  readonly subject: ManifestRecord;
  readonly repositoryName: string;
  readonly size: number;
  /** Harbor's accessory type: signature.cosign, signature.notation, harbor.sbom or subject.accessory. */
  readonly type: string;
}

export interface ArtifactView {
  readonly record: ManifestRecord;
  readonly projectId: number;
  readonly repositoryName: string;
  readonly details: ArtifactDetails;
  /** With `withTag`. */
  readonly tags?: readonly TagRecord[];
  /** With `withAccessory`. */
  readonly accessories?: readonly AccessoryView[];
}

export interface ArtifactViewOptions {
  readonly withTag: boolean;
  readonly withAccessory: boolean;
}

/** A manifest of a repository, found through the caller's rights on its project. */
export interface ArtifactLocation {
  readonly project: ProjectRecord;
  readonly repository: RepositoryRecord;
  readonly record: ManifestRecord;
}

const ACCESSORY_TYPES: Readonly<Record<string, string>> = {
  'application/vnd.dev.cosign.artifact.sig.v1+json': 'signature.cosign',
  'application/vnd.dev.cosign.simplesigning.v1+json': 'signature.cosign',
  'application/vnd.cncf.notary.signature': 'signature.notation',
  'application/vnd.goharbor.harbor.sbom.v1': 'harbor.sbom',
};

function accessoryTypeOf(record: ManifestRecord): string {
  return (
    ACCESSORY_TYPES[record.artifactType ?? ''] ?? ACCESSORY_TYPES[record.artifactMediaType ?? ''] ?? 'subject.accessory'
  );
}

/** Harbor's artifacts (swagger tag `artifact`): list, read and delete the manifests of a repository. */
export class ArtifactService {
  private readonly reader: ArtifactDetailsReader;

  constructor(
    private readonly identity: Store,
    private readonly store: Store,
    private readonly registry: Registry,
  ) {
    this.reader = new ArtifactDetailsReader(registry, store);
  }

  async list(
    ctx: SecurityContext,
    projectName: string,
    repositoryName: string,
    query: ArtifactQuery,
    opts: ArtifactViewOptions,
  ): Promise<PagedResult<ArtifactView>> {
    const project = await projectFor(this.identity, ctx, projectName, 'artifact', 'list');
    const repository = await repositoryIn(this.store, project, repositoryName);
    const { items, total } = await this.store.manifests.query(repository.id, query);
    return { items: await this.views(project, repository, items, opts), total };
  }

  async get(
    ctx: SecurityContext,
    projectName: string,
    repositoryName: string,
    reference: string,
    opts: ArtifactViewOptions,
  ): Promise<ArtifactView> {
    const { project, repository, record } = await this.locate(
      ctx,
      projectName,
      repositoryName,
      reference,
      'artifact',
      'read',
    );
    const [view] = await this.views(project, repository, [record], opts);
    return view!;
  }

  /**
   * Deletes the artifact with its tags, its accessories, and the children of an index that are neither tagged nor
   * in another index (Harbor's deep delete), each through the registry so /v2 agrees. An artifact that an index of
   * the repository contains cannot be deleted on its own.
   */
  async delete(ctx: SecurityContext, projectName: string, repositoryName: string, reference: string) {
    const { repository, record } = await this.locate(ctx, projectName, repositoryName, reference, 'artifact', 'delete');
    await this.registry.artifacts.deleteDeep(repository, record.digest, { by: operatorOf(ctx) });
  }

  /** Resolves `{reference}` (a tag or a digest) after checking the caller may do `action` on `resource`. */
  async locate(
    ctx: SecurityContext,
    projectName: string,
    repositoryName: string,
    reference: string,
    resource: ProjectResource,
    action: Action,
  ): Promise<ArtifactLocation> {
    const project = await projectFor(this.identity, ctx, projectName, resource, action);
    const repository = await repositoryIn(this.store, project, repositoryName);
    const record = await this.registry.manifests.resolve(repository.name, reference);
    return { project, repository, record };
  }

  private async views(
    project: ProjectRecord,
    repository: RepositoryRecord,
    records: readonly ManifestRecord[],
    opts: ArtifactViewOptions,
  ): Promise<ArtifactView[]> {
    const ids = records.map((r) => r.id);
    const tags = opts.withTag ? await this.store.tags.ofManifests(ids) : [];
    const accessories = opts.withAccessory
      ? await this.store.manifests.referrersOf(
          repository.id,
          records.map((r) => r.digest),
        )
      : [];
    const views: ArtifactView[] = [];
    for (const record of records) {
      const accessoryViews: AccessoryView[] = [];
      for (const accessory of accessories.filter((a) => a.subject === record.digest)) {
        accessoryViews.push({
          record: accessory,
          subject: record,
          repositoryName: repository.name,
          size: (await this.reader.details(accessory)).size,
          type: accessoryTypeOf(accessory),
        });
      }
      views.push({
        record,
        projectId: project.id,
        repositoryName: repository.name,
        details: await this.reader.details(record),
        ...(opts.withTag ? { tags: tags.filter((t) => t.manifestId === record.id) } : {}),
        ...(opts.withAccessory ? { accessories: accessoryViews } : {}),
      });
    }
    return views;
  }
}
