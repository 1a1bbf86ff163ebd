import { chmod, mkdir } from 'node:fs/promises';

/**
 * Creates `directory` (and missing parents) readable only by the owner, and tightens an existing
 * one to 0700. Parents that already exist are left alone: they may be shared (e.g. a custom base
 * directory), and the directory that holds the secret is the one that matters.
 */
export async function ensurePrivateDirectory(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  try {
    // mkdir's mode is filtered by the umask and ignored for an existing directory.
    await chmod(directory, 0o700);
  } catch (error) {
    // Not our directory (EPERM): the file itself is still 0600, which is what protects the token.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}
