import type { Hash } from 'node:crypto';
import type { BlobWriter } from '../ports/blob-store.js';

const BATCH_BYTES = 1024 * 1024;

/**
 * Streams `body` into `writer` while feeding `hash`, in constant memory: chunks are gathered into
 * batches of about 1 MiB, and each batch is written while the next one is being received and hashed.
 * Returns the number of bytes written. An aborted `signal` (the upload session's lease was lost) stops the
 * copy at the next chunk with the signal's reason.
 */
export async function pipeHashed(
  body: AsyncIterable<Uint8Array>,
  writer: BlobWriter,
  hash: Hash,
  signal?: AbortSignal,
): Promise<number> {
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  let total = 0;
  let inFlight: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    if (batchBytes === 0) return;
    const data = batch.length === 1 ? batch[0]! : Buffer.concat(batch, batchBytes);
    batch = [];
    batchBytes = 0;
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
      if (batchBytes >= BATCH_BYTES) await flush();
    }
    signal?.throwIfAborted();
    await flush();
  } finally {
    // Never leave a write running behind the caller's back, even when the body failed.
    if (inFlight) await inFlight.catch(() => undefined);
  }
  if (inFlight) await inFlight;
  return total;
}
