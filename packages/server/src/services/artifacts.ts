import { accessoryTypeOf } from '../domain/accessory-type.js';
import { additionsOf, isAddition, type Addition, type BuildHistoryEntry } from '../domain/artifact-additions.js';
import { InvalidError, NotFoundError } from '../domain/errors.js';
import { isImmutable } from '../domain/immutable-rules.js';
import type { ChartDependency } from '../domain/helm-chart.js';
import type { Action, ProjectResource } from '../domain/rbac/resources.js';
import type { ProjectRecord } from '../ports/identity-store.js';
import type { LabelRecord } from '../ports/label-records.js';
import type { Store } from '../ports/store.js';
import type {
  AccessoryQuery,
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
  /** With `withLabel`. */
  readonly labels?: readonly LabelRecord[];
  /** With `withImmutableStatus`: the names of its tags that an enabled immutable tag rule protects. */
  readonly immutableTags?: ReadonlySet<string>;
}

export interface ArtifactViewOptions {
  readonly withTag: boolean;
  readonly withAccessory: boolean;
  /** Harbor shows an artifact's labels only with `with_label=true`. */
  readonly withLabel?: boolean;
  /** Harbor computes its tags' `immutable` only with `with_immutable_status=true`. */
  readonly withImmutableStatus?: boolean;
}

/** An addition's content: JSON (build history, dependencies) or text (values.yaml, README.md). */
export type AdditionContent =
  | { readonly kind: 'json'; readonly value: readonly BuildHistoryEntry[] | readonly ChartDependency[] }
  | { readonly kind: 'yaml' | 'markdown'; readonly text: string };

/** A manifest of a repository, found through the caller's rights on its project. */
export interface ArtifactLocation {
  readonly project: ProjectRecord;
  readonly repository: RepositoryRecord;
  readonly record: ManifestRecord;
}

function accessoryTypeOfRecord(record: ManifestRecord): string {
  return accessoryTypeOf(record.artifactType, record.artifactMediaType);
}

/** Harbor's artifacts (swagger tag `artifact`): list, read and delete the manifests of a repository. */
export class ArtifactService {
  private readonly reader: ArtifactDetailsReader;

  constructor(
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
    const project = await projectFor(this.store, ctx, projectName, 'artifact', 'list');
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
   * Harbor's addition of an artifact (its name matched case-insensitively, as Harbor does): 400 for a name Harbor does
   * not know or one the artifact's type does not have (what Harbor answers), 404 when a chart lacks the file.
   */
  async addition(
    ctx: SecurityContext,
    projectName: string,
    repositoryName: string,
    reference: string,
    name: string,
  ): Promise<AdditionContent> {
    const { record } = await this.locate(ctx, projectName, repositoryName, reference, 'artifact-addition', 'read');
    const addition = name.toLowerCase();
    if (!isAddition(addition)) throw new InvalidError('field', `addition ${name} isn't supported`);
    const details = await this.reader.details(record);
    if (!additionsOf(details.mediaType).includes(addition)) {
      throw new InvalidError('field', `addition ${name} isn't supported for ${details.type} artifacts`);
    }
    return this.additionContent(record, addition);
  }

  private async additionContent(record: ManifestRecord, addition: Addition): Promise<AdditionContent> {
    if (addition === 'build_history') return { kind: 'json', value: await this.reader.buildHistory(record) };
    const chart = await this.reader.chartContent(record);
    if (addition === 'dependencies') return { kind: 'json', value: chart.dependencies };
    const text = addition === 'values.yaml' ? chart.values : chart.readme;
    const file = addition === 'values.yaml' ? 'values.yaml' : 'README.md';
    if (text === undefined) throw new NotFoundError('artifact', record.digest, `the chart has no ${file}`);
    return { kind: addition === 'values.yaml' ? 'yaml' : 'markdown', text };
  }

  /** One page of the artifact's accessories (manifests of its repository whose subject it is), as Harbor lists them. */
  async accessories(
    ctx: SecurityContext,
    projectName: string,
    repositoryName: string,
    reference: string,
    query: AccessoryQuery,
  ): Promise<PagedResult<AccessoryView>> {
    const { repository, record } = await this.locate(ctx, projectName, repositoryName, reference, 'accessory', 'list');
    const { items, total } = await this.store.manifests.accessories(repository.id, record.digest, query);
    const views: AccessoryView[] = [];
    for (const accessory of items) views.push(await this.accessoryView(repository, record, accessory));
    return { items: views, total };
  }

  private async accessoryView(
    repository: RepositoryRecord,
    subject: ManifestRecord,
    accessory: ManifestRecord,
  ): Promise<AccessoryView> {
    return {
      record: accessory,
      subject,
      repositoryName: repository.name,
      size: (await this.reader.details(accessory)).size,
      type: accessoryTypeOfRecord(accessory),
    };
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

  /** Which of `tags` (of `repository`) an enabled immutable tag rule of the project protects: one query. */
  async immutableTagsOf(
    project: ProjectRecord,
    repository: RepositoryRecord,
    tags: readonly TagRecord[],
  ): Promise<Set<string>> {
    if (tags.length === 0) return new Set();
    const rules = await this.store.immutableRules.ofProject(project.id);
    return new Set(tags.filter((t) => isImmutable(rules, repository.name, t.name)).map((t) => t.name));
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
    const project = await projectFor(this.store, ctx, projectName, resource, action);
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
    const labels = opts.withLabel === true ? await this.store.labels.ofManifests(ids) : [];
    const immutable =
      opts.withTag && opts.withImmutableStatus === true
        ? await this.immutableTagsOf(project, repository, tags)
        : undefined;
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
        accessoryViews.push(await this.accessoryView(repository, record, accessory));
      }
      views.push({
        record,
        projectId: project.id,
        repositoryName: repository.name,
        details: await this.reader.details(record),
        ...(opts.withTag ? { tags: tags.filter((t) => t.manifestId === record.id) } : {}),
        ...(opts.withAccessory ? { accessories: accessoryViews } : {}),
        ...(opts.withLabel === true
          ? { labels: labels.filter((l) => l.manifestId === record.id).map((l) => l.label) }
          : {}),
        ...(immutable && { immutableTags: immutable }),
      });
    }
    return views;
  }
}
