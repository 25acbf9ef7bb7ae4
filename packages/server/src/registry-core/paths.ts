import type { Digest } from '../lib/digest.js';

/**
 * The storage layout. Every path Wharf writes through the BlobStore port is built here.
 *
 *   <storage root>/
 *   ├── blobs/
 *   │   └── <algorithm>/<first two hex digits>/<hex>/data
 *   │         Content of every layer, config and manifest, addressed by its digest. A file appears here
 *   │         only complete and verified: it is written elsewhere, fsynced, then renamed into place.
 *   ├── uploads/
 *   │   └── <upload id>/data
 *   │         Bytes received so far for one upload session (resumable across restarts). On completion the
 *   │         file is renamed into blobs/; abandoned sessions are purged by the upload-purge job.
 *   └── health/probe-<uuid>
 *         Written, read back and removed by each health check (/api/v2.0/health); normally absent.
 *
 * Which repository links which blob, manifests, tags and upload session records live in the metadata
 * database (see adapters/db), never in the storage tree.
 */
export const BLOBS_ROOT = 'blobs';
export const UPLOADS_ROOT = 'uploads';

export function blobDir(digest: Digest): string {
  return `${BLOBS_ROOT}/${digest.algorithm}/${digest.hex.slice(0, 2)}/${digest.hex}`;
}

export function blobDataPath(digest: Digest): string {
  return `${blobDir(digest)}/data`;
}

export function uploadDir(id: string): string {
  return `${UPLOADS_ROOT}/${id}`;
}

export function uploadDataPath(id: string): string {
  return `${uploadDir(id)}/data`;
}

/** The file one health check writes, reads back and removes. */
export function healthProbePath(id: string): string {
  return `health/probe-${id}`;
}

/** Upload ids are UUIDs; anything else in a URL is not an upload of ours. */
export const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
