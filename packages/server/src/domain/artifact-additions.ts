import { HELM_CONFIG_MEDIA_TYPE, IMAGE_CONFIG_MEDIA_TYPES } from './artifact-type.js';

/**
 * Harbor's artifact additions (`.../artifacts/{reference}/additions/{addition}`): content read from an artifact on
 * request. Which an artifact has depends on what it is, as in Harbor's artifact processors: an image manifest (with
 * an image config) has its build history; a Helm chart its values.yaml, README.md and dependencies. Harbor names
 * `sbom`, `license` and `files` too (SBOM and model artifacts); Wharf has no artifact with those yet.
 */
export const ADDITIONS = [
  'build_history',
  'values.yaml',
  'readme.md',
  'dependencies',
  'sbom',
  'license',
  'files',
] as const;
export type Addition = (typeof ADDITIONS)[number];

export function isAddition(value: string): value is Addition {
  return (ADDITIONS as readonly string[]).includes(value);
}

/** The additions an artifact of this artifact media type (domain/artifact-type.ts artifactMediaTypeOf) has. */
export function additionsOf(artifactMediaType: string): readonly Addition[] {
  if (IMAGE_CONFIG_MEDIA_TYPES.includes(artifactMediaType)) return ['build_history'];
  if (artifactMediaType === HELM_CONFIG_MEDIA_TYPE) return ['values.yaml', 'readme.md', 'dependencies'];
  return [];
}

/** One step of an image's build (an entry of the config's `history`), with the fields the OCI image spec defines. */
export interface BuildHistoryEntry {
  readonly created?: string;
  readonly created_by?: string;
  readonly author?: string;
  readonly comment?: string;
  readonly empty_layer?: boolean;
}

/** The history of an image config object; entries keep the defined fields of the right type, nothing else. */
export function buildHistoryOf(config: Readonly<Record<string, unknown>>): BuildHistoryEntry[] {
  const history = config.history;
  if (!Array.isArray(history)) return [];
  return history
    .filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null)
    .map((entry) => {
      const out: { -readonly [K in keyof BuildHistoryEntry]: BuildHistoryEntry[K] } = {};
      for (const key of ['created', 'created_by', 'author', 'comment'] as const) {
        const value = entry[key];
        if (typeof value === 'string' && value !== '') out[key] = value;
      }
      if (entry.empty_layer === true) out.empty_layer = true;
      return out;
    });
}
