import { WriterStateError } from '../../ports/blob-store.js';
import type { WriterState } from '../../ports/blob-store.js';
import type { S3Backend, S3Part, S3Segment } from './s3-blob-writer.js';

/**
 * The S3 backend of a saved writer state, checked: parts, base and segments must add up to `size`. A state without
 * one (an upload session that received nothing yet) stands for the first `size` bytes of the object.
 */
export function backendOf(state: WriterState): S3Backend {
  const refuse = (reason: string) => new WriterStateError('s3', state.path, reason);
  if (state.backend === undefined) return { parts: [], base: state.size, segments: [] };
  const raw: unknown = state.backend;
  if (typeof raw !== 'object' || raw === null) throw refuse('malformed backend state');
  const { uploadId, parts, base, segments } = raw as Partial<Record<keyof S3Backend, unknown>>;
  if (uploadId !== undefined && typeof uploadId !== 'string') throw refuse('malformed upload id');
  if (!Array.isArray(parts) || !parts.every(isPart)) throw refuse('malformed parts');
  if (!Array.isArray(segments) || !segments.every(isSegment)) throw refuse('malformed segments');
  if (!isCount(base)) throw refuse('malformed base');
  if (parts.length > 0 && uploadId === undefined) throw refuse('parts without an upload');
  const total = [...parts, ...segments].reduce((sum, p) => sum + p.size, base);
  if (total !== state.size) throw refuse(`it counts ${state.size} bytes, its parts and segments ${total}`);
  return { ...(uploadId !== undefined ? { uploadId } : {}), parts, base, segments };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isPart(value: unknown): value is S3Part {
  const part = value as Partial<S3Part> | null;
  return (
    typeof part === 'object' &&
    part !== null &&
    isCount(part.n) &&
    part.n >= 1 &&
    typeof part.etag === 'string' &&
    isCount(part.size)
  );
}

function isSegment(value: unknown): value is S3Segment {
  const segment = value as Partial<S3Segment> | null;
  return typeof segment === 'object' && segment !== null && typeof segment.key === 'string' && isCount(segment.size);
}
