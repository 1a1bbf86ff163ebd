import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type TokenStore } from '@molecule-ai/agent-core';
import { silentLogger } from '@molecule-ai/agent-core/ports';
import { createLockedWriter, type FileStoreOptions } from './locked-writer.js';
import { defaultMoleculeDirectory, expandHome, workspaceDirectory } from './paths.js';
import { readStoreFile } from './read-store-file.js';

/** Options of {@link createFileTokenStore}. */
export interface FileTokenStoreOptions extends FileStoreOptions {}

/** The name of the token file inside the workspace directory (the Python SDK's name). */
export const TOKEN_FILE_NAME = '.auth_token';

/**
 * A {@link TokenStore} that keeps each workspace's bearer token in
 * `<directory>/<workspaceId>/.auth_token` (default directory `MOLECULE_TOKEN_DIR`, else `~/.molecule`), the same file the
 * Python SDK uses, so an existing token keeps working.
 *
 * The directory is 0700 and the file 0600 from the moment it exists. A save writes a temp file,
 * syncs it and renames it over the old one, so neither a crash nor a concurrent reader ever sees
 * an empty or partial token; writers in several processes take turns through a lock file.
 * The file holds the trimmed token with no newline.
 *
 * @example
 * const tokens = createFileTokenStore();
 * await tokens.save(workspaceId, token);
 * tokens.describe(workspaceId); // "/home/me/.molecule/<id>/.auth_token"
 */
export function createFileTokenStore(options: FileTokenStoreOptions = {}): TokenStore & {
  describe(workspaceId: string): string;
} {
  const base = options.directory === undefined ? defaultMoleculeDirectory() : expandHome(options.directory);
  const logger = options.logger ?? silentLogger;
  const writer = createLockedWriter(options, 'token');
  const pathOf = (workspaceId: string): string =>
    join(workspaceDirectory(base, workspaceId), TOKEN_FILE_NAME);

  return {
    name: 'file',
    describe: pathOf,

    async load(workspaceId) {
      const path = pathOf(workspaceId);
      const text = await readStoreFile(path, 'token');
      const token = text?.trim() ?? '';
      if (token === '') return null;
      const info = await stat(path).catch(() => undefined);
      if (info !== undefined && (info.mode & 0o077) !== 0) {
        logger.warn('the token file is readable by other users; run chmod 600 on it', {
          path,
          mode: (info.mode & 0o777).toString(8),
        });
      }
      return token;
    },

    async save(workspaceId, token) {
      const path = pathOf(workspaceId);
      const trimmed = token.trim();
      if (trimmed === '') throw new ConfigError('refusing to save an empty token');
      await writer.write(path, trimmed);
    },

    async clear(workspaceId) {
      await writer.remove(pathOf(workspaceId));
    },
  };
}
