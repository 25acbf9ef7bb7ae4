import { open } from 'node:fs/promises';
import { errorCode } from './filesystem-errors.js';

/** Codes of platforms and filesystems that cannot fsync a directory (Windows, some network mounts). */
const UNSUPPORTED = new Set(['EINVAL', 'EPERM', 'EISDIR', 'EBADF', 'ENOTSUP']);

/** Makes the entries of `directory` (a create or rename inside it) durable. */
export async function fsyncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
  } catch (err) {
    if (UNSUPPORTED.has(errorCode(err) ?? '')) return;
    throw err;
  }
  try {
    await handle.sync();
  } catch (err) {
    if (!UNSUPPORTED.has(errorCode(err) ?? '')) throw err;
  } finally {
    await handle.close();
  }
}
