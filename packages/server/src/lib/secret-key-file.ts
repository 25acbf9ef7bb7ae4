/**
 * Where the secret keys come from: the configuration (`secrets.key`, `secrets.keyFile`, `secrets.previousKeys`) or,
 * by default, `<data.dir>/secret.key`, generated at first start (mode 0600), like Harbor's `secretkey`.
 *
 * A key file holds one base64 key per line: the first is current, the others are previous keys that still open
 * values sealed with them. Blank lines and lines starting with `#` are ignored.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mkdirPrivate, writePrivateFileExclusive, writePrivateFileSynced } from './private-files.js';
import { generateSecretKey, parseSecretKey, SecretBox, SecretBoxError } from './secret-box.js';

export interface SecretKeySource {
  /** Base64 key given directly (`secrets.key`). */
  readonly key?: string;
  /** A key file given by the operator (`secrets.keyFile`); never created by Wharf. */
  readonly keyFile?: string;
  /** Base64 keys that only open (`secrets.previousKeys`). */
  readonly previousKeys?: readonly string[];
  /** The file generated when neither `key` nor `keyFile` is given. */
  readonly defaultFile: string;
}

export interface LoadedSecretBox {
  readonly box: SecretBox;
  /** `generated`: the default file, created now; `file`: the default file, found; `configured`: key or keyFile. */
  readonly origin: 'generated' | 'file' | 'configured';
  /** The file the keys were read from (undefined for `secrets.key`). */
  readonly file: string | undefined;
}

/** The lines of a key file that hold keys. */
function keyLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export async function readSecretKeyFile(file: string): Promise<Buffer[]> {
  const lines = keyLines(await readFile(file, 'utf8'));
  if (lines.length === 0) throw new SecretBoxError(`the secret key file ${file} holds no key`);
  return lines.map((line, i) => parseSecretKey(line, `line ${i + 1} of the secret key file ${file}`));
}

export async function loadSecretBox(source: SecretKeySource): Promise<LoadedSecretBox> {
  const previous = (source.previousKeys ?? []).map((text, i) => parseSecretKey(text, `secrets.previousKeys[${i}]`));
  if (source.key !== undefined) {
    return {
      box: new SecretBox(parseSecretKey(source.key, 'secrets.key'), previous),
      origin: 'configured',
      file: undefined,
    };
  }
  if (source.keyFile !== undefined) {
    const [current, ...older] = await readSecretKeyFile(source.keyFile);
    return { box: new SecretBox(current!, [...older, ...previous]), origin: 'configured', file: source.keyFile };
  }
  const file = source.defaultFile;
  let origin: LoadedSecretBox['origin'] = 'file';
  try {
    await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdirPrivate(dirname(file));
    // Two processes starting at once: the first link wins and both read the winner's key.
    if (await writePrivateFileExclusive(file, `${generateSecretKey()}\n`)) origin = 'generated';
  }
  const [current, ...older] = await readSecretKeyFile(file);
  return { box: new SecretBox(current!, [...older, ...previous]), origin, file };
}

/** Makes a new key current in `file`, keeping the keys it held as previous keys (atomically: write, then rename). */
export async function prependSecretKey(file: string): Promise<void> {
  const existing = keyLines(await readFile(file, 'utf8'));
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writePrivateFileSynced(temp, `${[generateSecretKey(), ...existing].join('\n')}\n`);
  await rename(temp, file);
}

/** Rewrites `file` with only the keys `keep` accepts (the first line, the current key, always stays). */
export async function pruneSecretKeyFile(file: string, keep: (key: Buffer) => boolean): Promise<number> {
  const lines = keyLines(await readFile(file, 'utf8'));
  const kept = lines.filter((line, i) => i === 0 || keep(parseSecretKey(line, `line ${i + 1} of ${file}`)));
  if (kept.length === lines.length) return 0;
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writePrivateFileSynced(temp, `${kept.join('\n')}\n`);
  await rename(temp, file);
  return lines.length - kept.length;
}
