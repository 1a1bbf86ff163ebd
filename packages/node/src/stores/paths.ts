import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '@molecule-ai/agent-core';
import { assertPathLength } from './path-error.js';

/** The base directory every Node store uses unless told otherwise: `~/.molecule` (as the Python SDK). */
export function defaultMoleculeDirectory(): string {
  return join(homedir(), '.molecule');
}

/**
 * The per-workspace directory `<base>/<workspaceId>`.
 *
 * The id becomes a path segment, so anything that could climb out of the base directory or
 * name a different file (a separator, `..`, NUL) is refused before any I/O, and so is a path
 * longer than the file system allows.
 */
export function workspaceDirectory(baseDirectory: string, workspaceId: string): string {
  if (
    workspaceId.length === 0 ||
    workspaceId === '.' ||
    workspaceId === '..' ||
    /[/\\\0]/.test(workspaceId) ||
    workspaceId.trim() !== workspaceId
  ) {
    throw new ConfigError(
      `workspace id ${JSON.stringify(workspaceId)} cannot be used as a directory name ` +
        '(it must be non-empty, without slashes, NUL or surrounding spaces)',
    );
  }
  const directory = join(resolve(baseDirectory), workspaceId);
  // A file name inside it is added later: leave room for the longest one the stores use.
  assertPathLength(join(directory, 'inbound-cursor.json.lock'), 'workspace folder');
  return directory;
}

/**
 * Where plugins of a workspace are installed by default: `~/.molecule/<workspaceId>/plugins`, the
 * Python SDK's `plugins_dir`, beside the workspace's token.
 */
export function defaultPluginsDirectory(workspaceId: string): string {
  return join(workspaceDirectory(defaultMoleculeDirectory(), workspaceId), 'plugins');
}
