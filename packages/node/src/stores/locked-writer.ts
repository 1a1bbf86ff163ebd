import { unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Clock, Logger, Random } from '@molecule-ai/agent-core';
import { silentLogger, systemClock, systemRandom } from '@molecule-ai/agent-core/ports';
import { removeOrphanTempFiles, writeFileAtomic } from './atomic-file.js';
import { withFileLock } from './file-lock.js';
import { pathError } from './path-error.js';
import { ensurePrivateDirectory } from './private-directory.js';

/** Tuning shared by the file stores. Every field has a sensible default. */
export interface FileStoreOptions {
  /**
   * Base directory; the workspace's files live in `<directory>/<workspaceId>/`. Default
   * `MOLECULE_TOKEN_DIR`, else `~/.molecule`. A leading `~` is expanded.
   */
  directory?: string | undefined;
  /** How long a writer waits for another process's lock before writing anyway. Default 10 s. */
  lockTimeoutMs?: number;
  /** A lock held longer than this is considered abandoned. Default 30 s. */
  staleLockMs?: number;
  /** Warnings about stale locks, lock timeouts and loose permissions. Default: silent. */
  logger?: Logger | undefined;
  clock?: Clock;
  random?: Random;
}

/** Writes and deletes private files one process (and one call) at a time. */
export interface LockedWriter {
  write(path: string, content: string): Promise<void>;
  remove(path: string): Promise<void>;
}

/**
 * Serialises writes per path: within this process through a promise chain (no polling), across
 * processes through a lock file beside the target. Each write creates the directory 0700,
 * sweeps temp files of crashed writers and replaces the file atomically with mode 0600.
 */
export function createLockedWriter(options: FileStoreOptions, what: string): LockedWriter {
  const lockOptions = {
    clock: options.clock ?? systemClock,
    random: options.random ?? systemRandom,
    logger: options.logger ?? silentLogger,
    timeoutMs: options.lockTimeoutMs ?? 10_000,
    staleMs: options.staleLockMs ?? 30_000,
  };
  const tails = new Map<string, Promise<unknown>>();

  function serialise<T>(path: string, fn: () => Promise<T>): Promise<T> {
    const previous = tails.get(path) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => {});
    tails.set(path, tail);
    void tail.then(() => {
      if (tails.get(path) === tail) tails.delete(path);
    });
    return run;
  }

  return {
    write(path, content) {
      return serialise(path, async () => {
        await ensurePrivateDirectory(dirname(path), `${what} folder`);
        try {
          await withFileLock(
            `${path}.lock`,
            async () => {
              await removeOrphanTempFiles(path);
              await writeFileAtomic(path, content, { mode: 0o600 });
            },
            lockOptions,
          );
        } catch (error) {
          throw pathError(error, path) ?? error;
        }
      });
    },
    remove(path) {
      return serialise(path, async () => {
        try {
          await withFileLock(
            `${path}.lock`,
            async () => {
              await unlink(path).catch((error: NodeJS.ErrnoException) => {
                if (error.code !== 'ENOENT') throw error;
              });
              await removeOrphanTempFiles(path);
            },
            lockOptions,
          );
        } catch (error) {
          // No directory means nothing to remove (and no place for a lock file).
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      });
    },
  };
}
