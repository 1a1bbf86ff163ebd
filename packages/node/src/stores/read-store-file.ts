import { dirname } from 'node:path';
import { ConfigError, isMoleculeError } from '@molecule-ai/agent-core';
import { pathError } from './path-error.js';
import { assertTrustedDirectory, readTrustedFile } from './trusted-path.js';

/**
 * A file store's file as text, or `null` when it does not exist. The file must be a regular file
 * owned by this user (or root) that no one else can write, in a folder no one else owns; it is
 * opened without blocking, so a FIFO planted under its name is refused instead of hanging the load.
 * Any failure is a {@link ConfigError} naming the file: the agent cannot fix it alone.
 */
export async function readStoreFile(path: string, what: string): Promise<string | null> {
  try {
    const text = await readTrustedFile(path, { what: `${what} file` });
    if (text !== null) {
      // The folder's owner could swap the file at will; its mode is left to the writer, which tightens it.
      await assertTrustedDirectory(dirname(path), { what: `${what} folder`, allowSticky: true });
    }
    return text;
  } catch (error) {
    if (isMoleculeError(error)) throw error;
    throw pathError(error, path) ?? new ConfigError(`cannot read the ${what} file ${path}`, { cause: error });
  }
}
