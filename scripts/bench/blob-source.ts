/**
 * Deterministic pseudo-random blob content, generated block by block so that no client ever holds a whole blob:
 * one random 1 MiB base block per process, with the blob seed and block index stamped into every block.
 */
import { createHash, randomBytes } from 'node:crypto';

const BLOCK = 1024 * 1024;
const STAMP_EVERY = 64 * 1024;
const base = randomBytes(BLOCK);

export class BlobSource {
  private cachedDigest: string | undefined;

  constructor(
    readonly size: number,
    readonly seed: number,
  ) {}

  private block(index: number): Buffer {
    const buf = Buffer.allocUnsafe(BLOCK);
    base.copy(buf);
    for (let off = 0; off < BLOCK; off += STAMP_EVERY) {
      buf.writeUInt32LE(this.seed >>> 0, off);
      buf.writeUInt32LE(index >>> 0, off + 4);
    }
    return buf;
  }

  /** Fresh buffers (safe to hand to a socket) covering bytes [start, end). */
  *chunks(start = 0, end = this.size): Generator<Buffer> {
    let pos = start;
    while (pos < end) {
      const index = Math.floor(pos / BLOCK);
      const within = pos - index * BLOCK;
      const take = Math.min(BLOCK - within, end - pos);
      const blk = this.block(index);
      yield within === 0 && take === BLOCK ? blk : blk.subarray(within, within + take);
      pos += take;
    }
  }

  /** sha256 digest computed by streaming the content once (memoised). */
  digest(): string {
    if (this.cachedDigest === undefined) {
      const h = createHash('sha256');
      for (const c of this.chunks()) h.update(c);
      this.cachedDigest = `sha256:${h.digest('hex')}`;
    }
    return this.cachedDigest;
  }
}
