import type { Hash } from 'node:crypto';
import type { BlobWriter } from '../ports/blob-store.js';

const BATCH_BYTES = 1024 * 1024;

/**
 * Streams `body` into `writer` while feeding `hash`, in constant memory: chunks are gathered into
 * batches of about 1 MiB (or the writer's preferred write size, an object store's part size, when larger), and each batch is written while the next one is being received and hashed.
 * Returns the number of bytes written. An aborted `signal` (the upload session's lease was lost) stops the
 * copy at the next chunk with the signal's reason.
 */
export async function pipeHashed(
  body: AsyncIterable<Uint8Array>,
  writer: BlobWriter,
  hash: Hash,
  signal?: AbortSignal,
): Promise<number> {
  const batchLimit = Math.max(BATCH_BYTES, writer.preferredWriteSize ?? 0);
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  let total = 0;
  let inFlight: Promise<void> | undefined;
  /** Writes the batch; with a preferred write size, exactly that many bytes, keeping the rest for the next batch. */
  const flush = async (): Promise<void> => {
    if (batchBytes === 0) return;
    let data = batch.length === 1 ? batch[0]! : Buffer.concat(batch, batchBytes);
    batch = [];
    batchBytes = 0;
    const preferred = writer.preferredWriteSize;
    if (preferred !== undefined && data.length > preferred) {
      const rest = data.subarray(preferred);
      data = data.subarray(0, preferred);
      batch = [rest];
      batchBytes = rest.length;
    }
    if (inFlight) await inFlight;
    inFlight = writer.write(data);
  };
  try {
    for await (const chunk of body) {
      signal?.throwIfAborted();
      hash.update(chunk);
      batch.push(chunk);
      batchBytes += chunk.length;
      total += chunk.length;
      if (batchBytes >= batchLimit) await flush();
    }
    signal?.throwIfAborted();
    while (batchBytes > 0) await flush();
  } catch (err) {
    // A body that broke off keeps what arrived before (the client resumes after it), unless the lease was lost.
    if (!signal?.aborted) {
      try {
        while (batchBytes > 0) await flush();
      } catch {
        // the body's failure is the one reported
      }
    }
    throw err;
  } finally {
    // Never leave a write running behind the caller's back, even when the body failed.
    if (inFlight) await inFlight.catch(() => undefined);
  }
  if (inFlight) await inFlight;
  return total;
}
