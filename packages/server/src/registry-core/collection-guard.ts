import { UnavailableError } from '../domain/errors.js';

/** How long a client should wait before pushing content again that garbage collection was deleting. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The refusal of a write that would rely on content garbage collection is deleting (gc/): nothing is lost (an
 * upload session stays open), and the same push succeeds once the collector has finished with that blob.
 */
export function blobBeingCollected(digest: string): UnavailableError {
  return new UnavailableError(
    `blob ${digest} is being deleted by garbage collection; push it again in a few seconds`,
    RETRY_AFTER_SECONDS,
  );
}
