import { z } from 'zod';
import { isDigest } from '../lib/digest.js';
import { isIndexMediaType, isNonDistributableLayer, MediaTypes } from '../lib/media-types.js';
import { InvalidError } from './errors.js';

/**
 * Wire schemas of the manifests Wharf accepts: OCI image manifest and index (including artifacts with
 * `artifactType` and `subject`), Docker schema 2 manifest and manifest list.
 */
const digest = z.string().refine(isDigest, { message: 'invalid digest' });
const annotations = z.record(z.string(), z.string());

const platform = z.object({
  architecture: z.string().min(1),
  os: z.string().min(1),
  'os.version': z.string().optional(),
  'os.features': z.array(z.string()).optional(),
  variant: z.string().optional(),
  features: z.array(z.string()).optional(),
});

const descriptor = z.object({
  mediaType: z.string().min(1),
  digest,
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: annotations.optional(),
  artifactType: z.string().optional(),
  platform: platform.optional(),
  data: z.string().optional(),
});

export type Descriptor = z.infer<typeof descriptor>;

const imageManifest = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: descriptor,
  layers: z.array(descriptor),
  subject: descriptor.optional(),
  annotations: annotations.optional(),
});

const imageIndex = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  manifests: z.array(descriptor),
  subject: descriptor.optional(),
  annotations: annotations.optional(),
});

export interface ParsedManifest {
  readonly mediaType: string;
  readonly artifactType?: string | undefined;
  readonly subject?: Descriptor | undefined;
  readonly annotations?: Record<string, string> | undefined;
  /** The config descriptor of an image manifest; undefined for an index. */
  readonly config?: Descriptor | undefined;
  /** Blobs the manifest needs (config and layers), without non-distributable layers. */
  readonly blobs: readonly Descriptor[];
  /** Child manifests (for an index). */
  readonly manifests: readonly Descriptor[];
}

function stripParams(contentType: string | undefined): string | undefined {
  const value = contentType?.split(';')[0]?.trim();
  return value ? value : undefined;
}

function invalid(message: string, detail?: unknown): InvalidError {
  return new InvalidError('manifest', message, detail);
}

/** Parses and validates a manifest body; `contentType` is the request's Content-Type header. */
export function parseManifest(body: Buffer, contentType: string | undefined): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw invalid(`manifest is not valid JSON: ${(err as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw invalid('manifest must be a JSON object');
  const raw = json as Record<string, unknown>;
  if (raw.schemaVersion === 1) throw invalid('schema 1 manifests are not supported');
  const header = stripParams(contentType);
  const declared = typeof raw.mediaType === 'string' ? raw.mediaType : undefined;
  if (declared && header && header !== declared && header !== 'application/json') {
    throw invalid(`Content-Type ${header} does not match the manifest's mediaType ${declared}`);
  }
  const mediaType = declared ?? (header !== 'application/json' ? header : undefined) ?? inferMediaType(raw);
  if (mediaType === MediaTypes.dockerSchema1 || mediaType === MediaTypes.dockerSchema1Signed) {
    throw invalid('schema 1 manifests are not supported');
  }
  if (isIndexMediaType(mediaType)) return parseIndex(raw, mediaType);
  if (mediaType === MediaTypes.ociManifest || mediaType === MediaTypes.dockerManifest)
    return parseImage(raw, mediaType);
  throw invalid(`unsupported manifest media type ${mediaType}`);
}

function inferMediaType(raw: Record<string, unknown>): string {
  if (Array.isArray(raw.manifests)) return MediaTypes.ociIndex;
  if (raw.config !== undefined) return MediaTypes.ociManifest;
  throw invalid('cannot tell the manifest type: no mediaType, Content-Type, config or manifests');
}

function check<T>(schema: z.ZodType<T>, raw: unknown): T {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw invalid(`manifest invalid: ${problems.join('; ')}`, problems);
  }
  return result.data;
}

function parseImage(raw: Record<string, unknown>, mediaType: string): ParsedManifest {
  const m = check(imageManifest, raw);
  if (mediaType === MediaTypes.dockerManifest && (m.subject || m.artifactType)) {
    throw invalid('Docker schema 2 manifests cannot carry subject or artifactType');
  }
  const blobs = [m.config, ...m.layers].filter((d) => !(d.urls?.length && isNonDistributableLayer(d.mediaType)));
  return {
    mediaType,
    artifactType: m.artifactType ?? m.config.mediaType,
    subject: m.subject,
    annotations: m.annotations,
    config: m.config,
    blobs,
    manifests: [],
  };
}

function parseIndex(raw: Record<string, unknown>, mediaType: string): ParsedManifest {
  const m = check(imageIndex, raw);
  if (mediaType === MediaTypes.dockerManifestList) {
    const missing = m.manifests.findIndex((d) => !d.platform);
    if (missing >= 0) throw invalid(`manifests.${missing}: a Docker manifest list entry needs a platform`);
  }
  return {
    mediaType,
    artifactType: m.artifactType,
    subject: m.subject,
    annotations: m.annotations,
    blobs: [],
    manifests: m.manifests,
  };
}
