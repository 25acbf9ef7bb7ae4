import { buildHistoryOf, type BuildHistoryEntry } from '../domain/artifact-additions.js';
import { artifactMediaTypeOf, artifactTypeOf, type ArtifactType } from '../domain/artifact-type.js';
import { InvalidError, NotFoundError } from '../domain/errors.js';
import {
  chartContentOf,
  ChartError,
  HELM_CHART_CONTENT_MEDIA_TYPE,
  isChartFileWanted,
  type ChartContent,
} from '../domain/helm-chart.js';
import { isIndexMediaType } from '../lib/media-types.js';
import { readTarGzFiles, TarError } from '../lib/tar.js';
import type { ManifestRecord } from '../ports/metadata-store.js';
import type { Store } from '../ports/store.js';
import type { Registry } from '../registry-core/registry.js';

/**
 * What Harbor shows of an artifact beyond its record, read from the manifest (and, for images, the config blob):
 * its media type and type, its size (the manifest plus everything it references, as Harbor adds it up), the
 * image's platform and build attributes, and an index's references with their platforms.
 */
export interface Platform {
  readonly architecture?: string;
  readonly os?: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
  readonly variant?: string;
}

export interface ArtifactReference {
  readonly childDigest: string;
  /** Undefined when the child is not a manifest of the repository. */
  readonly childId?: number | undefined;
  readonly platform?: Platform | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  readonly urls?: readonly string[] | undefined;
}

export interface ArtifactDetails {
  readonly mediaType: string;
  readonly type: ArtifactType;
  readonly size: number;
  readonly extraAttrs: Readonly<Record<string, unknown>>;
  readonly references: readonly ArtifactReference[];
}

interface Descriptor {
  readonly mediaType?: unknown;
  readonly digest?: unknown;
  readonly size?: unknown;
  readonly platform?: unknown;
  readonly annotations?: unknown;
  readonly urls?: unknown;
}

interface ManifestContent {
  readonly config?: Descriptor;
  readonly layers?: readonly Descriptor[];
  readonly manifests?: readonly Descriptor[];
}

/** Config blobs larger than this are not read for attributes. */
const MAX_CONFIG_BYTES = 1024 * 1024;
/** Parsed attributes kept, by config digest (content addressed: never stale). */
const ATTRIBUTE_CACHE_ENTRIES = 1024;
/** Indexes of indexes are followed this deep when adding up sizes. */
const MAX_DEPTH = 4;
/** Config blobs larger than this are not read for the build history. */
const MAX_HISTORY_CONFIG_BYTES = 16 * 1024 * 1024;
/** Limits on reading a chart archive: one file, and the whole archive unpacked. */
const CHART_LIMITS = { maxFileBytes: 4 * 1024 * 1024, maxArchiveBytes: 64 * 1024 * 1024 };
/** Chart contents kept, by archive digest, when their files add up to at most CHART_CACHE_MAX_BYTES each. */
const CHART_CACHE_ENTRIES = 64;
const CHART_CACHE_MAX_BYTES = 256 * 1024;

export class ArtifactDetailsReader {
  private readonly attributes = new Map<string, Readonly<Record<string, unknown>>>();
  private readonly charts = new Map<string, ChartContent>();

  constructor(
    private readonly registry: Registry,
    private readonly store: Store,
  ) {}

  async details(record: ManifestRecord): Promise<ArtifactDetails> {
    const content = await this.content(record);
    const mediaType =
      record.artifactMediaType ??
      artifactMediaTypeOf(record.mediaType, text(content.config?.mediaType), record.annotations);
    const type = artifactTypeOf(mediaType);
    const index = isIndexMediaType(record.mediaType);
    const children = index ? await this.children(record, content) : new Map<string, ManifestRecord>();
    return {
      mediaType,
      type,
      size: await this.sizeOf(record, content, 0, children),
      extraAttrs: index ? {} : await this.extraAttrs(type, content.config),
      references: (content.manifests ?? []).map((d) => reference(d, children)),
    };
  }

  /** The `history` of an image manifest's config (Harbor's build_history addition). */
  async buildHistory(record: ManifestRecord): Promise<BuildHistoryEntry[]> {
    const config = (await this.content(record)).config;
    const digest = text(config?.digest);
    if (digest === undefined) throw new NotFoundError('artifact', record.digest, `${record.digest} has no config`);
    const size = sizeField(config);
    if (size > MAX_HISTORY_CONFIG_BYTES) {
      throw new InvalidError(
        'too-large',
        `the config of ${record.digest} is larger than ${MAX_HISTORY_CONFIG_BYTES} bytes`,
      );
    }
    const json = await this.readJson(digest, size);
    if (json === undefined) {
      throw new InvalidError('manifest', `the config of ${record.digest} is missing or not a JSON object`);
    }
    return buildHistoryOf(json);
  }

  /** The values.yaml, README.md and dependencies of a Helm chart artifact, from its chart archive layer. */
  async chartContent(record: ManifestRecord): Promise<ChartContent> {
    const content = await this.content(record);
    const configDigest = text(content.config?.digest);
    const layers = (content.layers ?? []).filter(
      (l) => text(l.digest) !== undefined && text(l.digest) !== configDigest,
    );
    // Helm's chart content layer; older clients pushed the archive as the only other layer, as Harbor assumes.
    const layer = layers.find((l) => l.mediaType === HELM_CHART_CONTENT_MEDIA_TYPE) ?? layers[0];
    const digest = text(layer?.digest);
    if (digest === undefined) {
      throw new NotFoundError('artifact', record.digest, `the chart ${record.digest} has no chart archive layer`);
    }
    const cached = this.charts.get(digest);
    if (cached) return cached;
    let chart: ChartContent;
    try {
      const stream = await this.registry.blobs.open({ digest, size: sizeField(layer) });
      chart = chartContentOf(await readTarGzFiles(stream, isChartFileWanted, CHART_LIMITS));
    } catch (err) {
      if (err instanceof TarError || err instanceof ChartError) {
        throw new InvalidError('manifest', `the chart archive ${digest} cannot be read: ${err.message}`);
      }
      throw err;
    }
    if ((chart.values?.length ?? 0) + (chart.readme?.length ?? 0) <= CHART_CACHE_MAX_BYTES) {
      if (this.charts.size >= CHART_CACHE_ENTRIES) this.charts.delete(this.charts.keys().next().value!);
      this.charts.set(digest, chart);
    }
    return chart;
  }

  /** The manifest's size plus what it references: its config and layers, or its child manifests' sizes. */
  private async sizeOf(
    record: ManifestRecord,
    content: ManifestContent,
    depth: number,
    known?: Map<string, ManifestRecord>,
  ): Promise<number> {
    if (!isIndexMediaType(record.mediaType)) {
      return [content.config, ...(content.layers ?? [])].reduce((sum, d) => sum + sizeField(d), record.size);
    }
    let size = record.size;
    if (depth >= MAX_DEPTH) return size;
    const children = known ?? (await this.children(record, content));
    for (const child of children.values()) {
      size += await this.sizeOf(child, await this.content(child), depth + 1);
    }
    return size;
  }

  private async children(record: ManifestRecord, content: ManifestContent): Promise<Map<string, ManifestRecord>> {
    const digests = (content.manifests ?? []).map((d) => text(d.digest)).filter((d) => d !== undefined);
    const records = await this.store.manifests.getMany(record.repositoryId, digests);
    return new Map(records.map((child) => [child.digest, child]));
  }

  private async content(record: ManifestRecord): Promise<ManifestContent> {
    const raw = await this.registry.manifests.content(record.digest);
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      return typeof parsed === 'object' && parsed !== null ? parsed : {};
    } catch {
      return {};
    }
  }

  /**
   * Harbor's extra attributes: for images, the platform and build fields of the config; for other typed artifacts,
   * the whole config object; nothing for unknown artifacts.
   */
  private async extraAttrs(
    type: ArtifactType,
    config: Descriptor | undefined,
  ): Promise<Readonly<Record<string, unknown>>> {
    const digest = text(config?.digest);
    if (type === 'UNKNOWN' || digest === undefined || sizeField(config) > MAX_CONFIG_BYTES) return {};
    const key = `${type}\0${digest}`;
    const cached = this.attributes.get(key);
    if (cached) return cached;
    const json = await this.readJson(digest, sizeField(config));
    const attrs = json === undefined ? {} : type === 'IMAGE' ? imageAttributes(json) : json;
    if (this.attributes.size >= ATTRIBUTE_CACHE_ENTRIES) this.attributes.delete(this.attributes.keys().next().value!);
    this.attributes.set(key, attrs);
    return attrs;
  }

  /** A JSON object blob, or undefined when it is missing, not JSON or not an object. */
  private async readJson(digest: string, size: number): Promise<Record<string, unknown> | undefined> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of await this.registry.blobs.open({ digest, size })) chunks.push(chunk as Buffer);
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  }
}

/** The fields Harbor takes from an image config; the author falls back to the `maintainer` label. */
function imageAttributes(config: Record<string, unknown>): Record<string, unknown> {
  const runtime = isObject(config.config) ? config.config : {};
  const labels = isObject(runtime.Labels) ? runtime.Labels : {};
  const author = text(config.author) || text(labels.maintainer) || '';
  return {
    architecture: text(config.architecture) ?? '',
    os: text(config.os) ?? '',
    ...(text(config.variant) ? { variant: config.variant } : {}),
    ...(text(config['os.version']) ? { 'os.version': config['os.version'] } : {}),
    config: runtime,
    ...(text(config.created) ? { created: config.created } : {}),
    author,
  };
}

function reference(descriptor: Descriptor, children: Map<string, ManifestRecord>): ArtifactReference {
  const childDigest = text(descriptor.digest) ?? '';
  return {
    childDigest,
    childId: children.get(childDigest)?.id,
    platform: isObject(descriptor.platform) ? platformOf(descriptor.platform) : undefined,
    annotations: isObject(descriptor.annotations) ? (descriptor.annotations as Record<string, string>) : undefined,
    urls: Array.isArray(descriptor.urls)
      ? descriptor.urls.filter((u): u is string => typeof u === 'string')
      : undefined,
  };
}

function platformOf(raw: Record<string, unknown>): Platform {
  const features = Array.isArray(raw['os.features'])
    ? raw['os.features'].filter((f): f is string => typeof f === 'string')
    : undefined;
  return {
    ...(text(raw.architecture) !== undefined ? { architecture: text(raw.architecture) } : {}),
    ...(text(raw.os) !== undefined ? { os: text(raw.os) } : {}),
    ...(text(raw['os.version']) !== undefined ? { 'os.version': text(raw['os.version']) } : {}),
    ...(features ? { 'os.features': features } : {}),
    ...(text(raw.variant) !== undefined ? { variant: text(raw.variant) } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function sizeField(descriptor: Descriptor | undefined): number {
  const size = descriptor?.size;
  return typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 ? size : 0;
}
