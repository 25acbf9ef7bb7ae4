import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readTarFiles, readTarGzFiles, TarError } from './tar.js';

const scratch = mkdtempSync(join(tmpdir(), 'wharf-tar-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const LONG = `dir/${'n'.repeat(150)}.txt`;
const LIMITS = { maxFileBytes: 1024 * 1024, maxArchiveBytes: 16 * 1024 * 1024 };

/** A .tgz of the files made by the system's tar in the given format. */
function archive(format: string, files: Record<string, string>): Buffer {
  const root = mkdtempSync(join(scratch, `${format}-`));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  const out = join(root, '..', `${format}-${Date.now()}.tgz`);
  execFileSync('tar', ['-czf', out, `--format=${format}`, '-C', root, 'dir']);
  return readFileSync(out);
}

const chunked = (bytes: Buffer, size: number) =>
  Readable.from(
    Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)),
  );

describe('readTarGzFiles', () => {
  for (const format of ['gnu', 'pax', 'ustar']) {
    it(`picks the wanted files of a ${format} archive, long names included`, async () => {
      const files = { 'dir/a.txt': 'alpha\n', 'dir/sub/b.txt': 'b'.repeat(70_000), [LONG]: 'long\n' };
      const bytes = archive(format, format === 'ustar' ? { 'dir/a.txt': 'alpha\n', 'dir/sub/b.txt': 'bb' } : files);
      const found = await readTarGzFiles(chunked(bytes, 7), (p) => p !== 'dir/sub/b.txt', LIMITS);
      const expected = format === 'ustar' ? ['dir/a.txt'] : ['dir/a.txt', LONG];
      expect(found.map((f) => f.path).sort()).toEqual(expected.sort());
      expect(found.find((f) => f.path === 'dir/a.txt')?.content.toString()).toBe('alpha\n');
    });
  }

  it('refuses what is not gzip, a wanted file over the limit and an archive that unpacks to too much', async () => {
    await expect(readTarGzFiles(Readable.from([Buffer.from('plain text')]), () => true, LIMITS)).rejects.toThrow(
      TarError,
    );
    const bytes = archive('gnu', { 'dir/big.bin': 'x'.repeat(5000) });
    await expect(readTarGzFiles(chunked(bytes, 100), () => true, { ...LIMITS, maxFileBytes: 4096 })).rejects.toThrow(
      /larger than 4096 bytes/,
    );
    await expect(
      readTarGzFiles(chunked(bytes, 100), () => false, { ...LIMITS, maxArchiveBytes: 4096 }),
    ).rejects.toThrow(/more than 4096 bytes/);
  });

  it('refuses a header whose checksum does not match, and an archive cut inside an entry', async () => {
    const tar = gunzipSync(archive('gnu', { 'dir/a.txt': 'a'.repeat(2000) }));
    const corrupt = Buffer.from(tar);
    corrupt[0] = corrupt[0]! ^ 0xff;
    await expect(readTarFiles(Readable.from([corrupt]), () => true, LIMITS)).rejects.toThrow(/checksum/);
    const files = tar.subarray(0, 512 * 3); // the directory's header, the file's header and part of its content
    await expect(readTarFiles(Readable.from([files]), () => true, LIMITS)).rejects.toThrow(/ends inside an entry/);
  });
});
