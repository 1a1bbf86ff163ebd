import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '@molecule-ai/agent-core';
import { pathError } from './path-error.js';
import { assertTrustedDirectory, currentUid } from './trusted-path.js';

/**
 * Creates `directory` (and missing parents) readable only by the owner, and tightens an existing
 * one of ours to 0700. A folder owned by someone else is refused (its owner could plant or swap
 * the secret), and so is a parent other users can write to, unless its sticky bit keeps them from
 * renaming our folder (like `/tmp`): both with a {@link ConfigError} saying what to fix. Parents
 * further up are left alone: they may be shared, and the folder holding the secret is what matters.
 */
export async function ensurePrivateDirectory(directory: string, what = 'token folder'): Promise<void> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    info = await stat(directory);
  } catch (error) {
    throw pathError(error, directory) ?? error;
  }
  await assertTrustedDirectory(dirname(directory), { what: `parent of the ${what}`, allowSticky: true });
  if (!info.isDirectory()) throw new ConfigError(`the ${what} ${directory} is not a folder`);
  const me = currentUid();
  if (me !== undefined && info.uid !== me) {
    throw new ConfigError(
      `refusing the ${what} ${directory}: it is owned by uid ${info.uid}, not by this user (uid ${me}), ` +
        'so its owner could plant or swap the secret in it; use a folder you own, e.g. another --token-dir',
    );
  }
  if ((info.mode & 0o777) !== 0o700) {
    // mkdir's mode is filtered by the umask and ignored for an existing directory.
    await chmod(directory, 0o700);
  }
}
