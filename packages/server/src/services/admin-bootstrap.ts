import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConflictError } from '../domain/errors.js';
import { checkPassword } from '../domain/users/password-policy.js';
import { generateSecret, hashPassword } from '../lib/password-hash.js';
import { PRIVATE_FILE_MODE } from '../lib/private-files.js';
import type { Store } from '../ports/store.js';

/** The system administrator every installation starts with, as in Harbor. */
export const ADMIN_USERNAME = 'admin';

/** Name of the file, under the data directory, that receives a generated administrator password. */
export const ADMIN_PASSWORD_FILE = 'admin-password';

/** The configured administrator password does not satisfy the password policy. */
export class AdminPasswordError extends Error {}

export interface AdminBootstrapOptions {
  /** The configured password; undefined generates one. */
  readonly password: string | undefined;
  /** Where a generated password is written (mode 0600). */
  readonly dataDir: string;
  readonly log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** Also told a generated password (after it is logged and written), e.g. to show it in a banner. */
  readonly announce?: ((generated: GeneratedAdminPassword) => void) | undefined;
}

/** A password generated at first start, and the file it was written to. */
export interface GeneratedAdminPassword {
  readonly username: string;
  readonly password: string;
  readonly file: string;
}

export type AdminBootstrapResult = 'exists' | 'created-with-configured-password' | 'created-with-generated-password';

/**
 * Creates the `admin` user (a system administrator) unless it exists. With a configured password that password is
 * used (and must pass the policy); without one a random password is generated, logged once at warn level and
 * written to `<dataDir>/admin-password`. There is never a built-in default.
 */
export async function bootstrapAdmin(identity: Store, opts: AdminBootstrapOptions): Promise<AdminBootstrapResult> {
  if (opts.password !== undefined) {
    const check = checkPassword(opts.password);
    if (!check.ok) throw new AdminPasswordError(check.message);
  }
  if (await identity.users.getByName(ADMIN_USERNAME)) return 'exists';
  const password = opts.password ?? generatePassword();
  try {
    await identity.users.create({
      username: ADMIN_USERNAME,
      realname: 'system admin',
      comment: 'created at first start',
      passwordHash: await hashPassword(password),
      sysadmin: true,
    });
  } catch (error) {
    // Another node created it at the same moment: its password stands.
    if (error instanceof ConflictError) return 'exists';
    throw error;
  }
  if (opts.password !== undefined) {
    opts.log.info({ username: ADMIN_USERNAME }, 'administrator created with the configured password');
    return 'created-with-configured-password';
  }
  const file = path.join(opts.dataDir, ADMIN_PASSWORD_FILE);
  await writeFile(file, `${password}\n`, { mode: PRIVATE_FILE_MODE });
  await chmod(file, PRIVATE_FILE_MODE);
  opts.log.warn(
    { username: ADMIN_USERNAME, password, file },
    'administrator created with a generated password (shown once; also written to the file); change it after logging in',
  );
  opts.announce?.({ username: ADMIN_USERNAME, password, file });
  return 'created-with-generated-password';
}

/** A random password that satisfies the password policy (base64url of 32 random bytes, retried until it does). */
export function generatePassword(): string {
  for (;;) {
    const candidate = generateSecret();
    if (checkPassword(candidate).ok) return candidate;
  }
}
