import { Readable } from 'node:stream';

const CHUNK_BYTES = 1024 * 1024;

/** A byte stream (not object mode) over `content`, in chunks of at most 1 MiB, like a file stream. */
export function bufferReadable(content: Buffer): Readable {
  let offset = 0;
  return new Readable({
    highWaterMark: CHUNK_BYTES,
    read() {
      if (offset >= content.length) {
        this.push(null);
        return;
      }
      const chunk = content.subarray(offset, offset + CHUNK_BYTES);
      offset += chunk.length;
      this.push(chunk);
    },
  });
}
