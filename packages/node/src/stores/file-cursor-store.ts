import { join, resolve } from 'node:path';
import type { CursorState, CursorStore } from '@molecule-ai/agent-core';
import { silentLogger } from '@molecule-ai/agent-core/ports';
import { createLockedWriter, type FileStoreOptions } from './locked-writer.js';
import { defaultMoleculeDirectory, expandHome, workspaceDirectory } from './paths.js';
import { readStoreFile } from './read-store-file.js';

/** Options of {@link createFileCursorStore}. */
export interface FileCursorStoreOptions extends FileStoreOptions {
  /**
   * One explicit file for the cursor instead of `<directory>/<workspaceId>/inbound-cursor.json`
   * (the CLI's `--cursor-file`). It then serves every workspace id, so use it for one agent only.
   */
  file?: string;
}

/** The name of the cursor file inside the workspace directory. */
export const CURSOR_FILE_NAME = 'inbound-cursor.json';

function parseCursorState(text: string): CursorState | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    // The Python SDK's --cursor-file holds the bare activity id; carry it over.
    return /^[^\s{}[\]"]+$/.test(trimmed) ? { cursor: trimmed, seen: [] } : null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { cursor, seen } = value as { cursor?: unknown; seen?: unknown };
  if (cursor !== null && cursor !== undefined && typeof cursor !== 'string') return null;
  if (seen !== undefined && !(Array.isArray(seen) && seen.every((id) => typeof id === 'string'))) return null;
  return { cursor: cursor ?? null, seen: (seen as string[] | undefined) ?? [] };
}

/**
 * A {@link CursorStore} that keeps the inbound poll position as JSON `{"cursor", "seen"}` in
 * `<directory>/<workspaceId>/inbound-cursor.json` (default directory `MOLECULE_TOKEN_DIR`, else
 * `~/.molecule`, as the CLI), with the same
 * guarantees as the token file: 0700 directory, 0600 file, atomic replace, cross-process lock.
 *
 * A file that is not a valid state (edited by hand, say) loads as `null` with a warning rather
 * than stopping the agent; the seen-set then rebuilds itself.
 *
 * @example
 * const cursors = createFileCursorStore();
 * await cursors.save(workspaceId, { cursor: 'act-42', seen: ['act-41', 'act-42'] });
 */
export function createFileCursorStore(options: FileCursorStoreOptions = {}): CursorStore & {
  describe(workspaceId: string): string;
} {
  const base = options.directory === undefined ? defaultMoleculeDirectory() : expandHome(options.directory);
  const logger = options.logger ?? silentLogger;
  const writer = createLockedWriter(options, 'cursor');
  const file = options.file === undefined ? undefined : resolve(options.file);
  const pathOf = (workspaceId: string): string =>
    file ?? join(workspaceDirectory(base, workspaceId), CURSOR_FILE_NAME);

  return {
    name: 'file',
    describe: pathOf,

    async load(workspaceId) {
      const path = pathOf(workspaceId);
      const text = await readStoreFile(path, 'cursor');
      if (text === null) return null;
      const state = parseCursorState(text);
      if (state === null && text.trim() !== '') {
        logger.warn('ignoring a cursor file that is not a valid cursor state', { path });
      }
      return state;
    },

    async save(workspaceId, state) {
      const content = JSON.stringify({ cursor: state.cursor, seen: state.seen });
      await writer.write(pathOf(workspaceId), content);
    },

    async clear(workspaceId) {
      await writer.remove(pathOf(workspaceId));
    },
  };
}
