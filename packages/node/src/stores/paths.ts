import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '@molecule-ai/agent-core';
import { assertPathLength } from './path-error.js';

/** Expands a leading `~` to the home directory (environment values are not shell-expanded). */
export function expandHome(path: string): string {
  if (path === '~') return homedir();
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

/**
 * The base directory every Node store uses unless told otherwise: `MOLECULE_TOKEN_DIR` when set
 * (as the `molecule-agent` CLI reads it, so a program and the CLI on one machine share the token
 * and the inbound cursor), else `~/.molecule` (as the Python SDK).
 */
export function defaultMoleculeDirectory(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const configured = env.MOLECULE_TOKEN_DIR?.trim();
  return configured ? expandHome(configured) : join(homedir(), '.molecule');
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
