import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/**
 * A small reader of tar archives (ustar, with pax `path`/`size` records and GNU long names), enough to pick a few
 * files out of a gzip-compressed archive such as a Helm chart. It reads the stream once, in order, and keeps only the
 * regular files `wanted` selects, within byte limits; links, devices and directories are skipped.
 */
export interface TarFile {
  readonly path: string;
  readonly content: Buffer;
}

export interface TarLimits {
  /** A wanted file larger than this is refused. */
  readonly maxFileBytes: number;
  /** The archive may not unpack to more than this (headers and skipped content included). */
  readonly maxArchiveBytes: number;
}

/** The archive is malformed, truncated or larger than the limits. */
export class TarError extends Error {
  override readonly name = 'TarError';
}

const BLOCK = 512;

/** Reads exact byte counts from an async iterable of chunks. */
class ByteReader {
  private readonly chunks: AsyncIterator<Uint8Array>;
  private pending: Buffer = Buffer.alloc(0);
  private consumed = 0;

  constructor(
    source: AsyncIterable<Uint8Array>,
    private readonly limit: number,
  ) {
    this.chunks = source[Symbol.asyncIterator]();
  }

  /** Exactly `n` bytes, or fewer only at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    this.count(n);
    const parts: Buffer[] = [];
    let have = 0;
    while (have < n) {
      if (this.pending.length === 0) {
        const next = await this.chunks.next();
        if (next.done) break;
        this.pending = Buffer.from(next.value);
      }
      const take = Math.min(n - have, this.pending.length);
      parts.push(this.pending.subarray(0, take));
      this.pending = this.pending.subarray(take);
      have += take;
    }
    return Buffer.concat(parts, have);
  }

  /** Reads (and counts against the limit) whatever follows, such as the zero padding after the end of an archive. */
  async drain(): Promise<void> {
    this.count(this.pending.length);
    this.pending = Buffer.alloc(0);
    for (let next = await this.chunks.next(); !next.done; next = await this.chunks.next()) {
      this.count(next.value.length);
    }
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      const step = Math.min(left, 64 * 1024);
      const got = await this.read(step);
      if (got.length < step) throw new TarError('the archive ends inside an entry');
      left -= step;
    }
  }

  private count(n: number): void {
    this.consumed += n;
    if (this.consumed > this.limit) throw new TarError(`the archive unpacks to more than ${this.limit} bytes`);
  }
}

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

/** A numeric header field: octal text, or base-256 when the high bit of its first byte is set. */
function numeric(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if ((field[0]! & 0x80) !== 0) {
    let value = field[0]! & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    if (!Number.isSafeInteger(value)) throw new TarError('an entry size is out of range');
    return value;
  }
  const digits = text(block, start, length).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new TarError('a header has a malformed number');
  return parseInt(digits, 8);
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum === numeric(block, 148, 8);
}

/** Pax extended header records (`<length> <key>=<value>\n`). */
function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = space < 0 ? NaN : Number(data.subarray(at, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) {
      throw new TarError('a pax header is malformed');
    }
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

/**
 * The regular files of an uncompressed tar stream that `wanted` selects (by path), in archive order. The stream is
 * read to its end (within `maxArchiveBytes`).
 */
export async function readTarFiles(
  source: AsyncIterable<Uint8Array>,
  wanted: (path: string) => boolean,
  limits: TarLimits,
): Promise<TarFile[]> {
  const reader = new ByteReader(source, limits.maxArchiveBytes);
  const files: TarFile[] = [];
  let longName: string | undefined;
  let pax = new Map<string, string>();
  for (;;) {
    const block = await reader.read(BLOCK);
    if (block.length === 0) return files; // no end-of-archive blocks: tolerated, as GNU tar does
    if (block.length < BLOCK) throw new TarError('the archive ends inside a header');
    if (block.every((byte) => byte === 0)) {
      await reader.drain();
      return files;
    }
    if (!checksumOk(block)) throw new TarError('a header checksum does not match');
    const type = String.fromCharCode(block[156]!);
    const paxSize = pax.get('size');
    const size = paxSize !== undefined && /^\d+$/.test(paxSize) ? Number(paxSize) : numeric(block, 124, 12);
    if (type === 'x' || type === 'L') {
      if (size > 1024 * 1024) throw new TarError('an extended header is too large');
      const data = await reader.read(size);
      if (data.length < size) throw new TarError('the archive ends inside an entry');
      await reader.skip(padding(size));
      if (type === 'x') pax = paxRecords(data);
      else longName = text(data, 0, data.length);
      continue;
    }
    const prefix = text(block, 257, 6).startsWith('ustar') ? text(block, 345, 155) : '';
    const headerName = prefix !== '' ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100);
    const path = pax.get('path') ?? longName ?? headerName;
    pax = new Map();
    longName = undefined;
    const regular = type === '0' || type === '\0' || type === '7';
    if (type === 'g') {
      await reader.skip(size + padding(size));
    } else if (regular && wanted(path)) {
      if (size > limits.maxFileBytes) throw new TarError(`${path} is larger than ${limits.maxFileBytes} bytes`);
      const content = await reader.read(size);
      if (content.length < size) throw new TarError('the archive ends inside an entry');
      await reader.skip(padding(size));
      files.push({ path, content });
    } else {
      // Directories, links and other types carry no content in practice; their size is skipped all the same.
      await reader.skip(size + padding(size));
    }
  }
}

/** Like readTarFiles, for a gzip-compressed archive (`.tar.gz`, `.tgz`). */
export async function readTarGzFiles(
  source: Readable,
  wanted: (path: string) => boolean,
  limits: TarLimits,
): Promise<TarFile[]> {
  let files: TarFile[] = [];
  try {
    await pipeline(source, createGunzip(), async (unpacked: AsyncIterable<Uint8Array>) => {
      files = await readTarFiles(unpacked, wanted, limits);
    });
  } catch (err) {
    if (err instanceof TarError) throw err;
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) throw new TarError(`not gzip data: ${String(err)}`);
    throw err;
  }
  return files;
}
