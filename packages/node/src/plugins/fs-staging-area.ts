import { randomBytes } from 'node:crypto';
import { constants, type Dirent } from 'node:fs';
import {
  chmod,
  type FileHandle,
  lstat,
  mkdir,
  open,
  opendir,
  rename,
  rm,
  stat,
  symlink,
} from 'node:fs/promises';
import { join } from 'node:path';
import { type StagedFile, type StagingArea, UnsafeArchiveError } from '@molecule-ai/agent-core';

/** How many written files may wait for their fsync at once before `writeFile` waits too. */
const MAX_PENDING_SYNCS = 16;
/** Size of each read when a staged file is streamed back. */
const READ_CHUNK_BYTES = 64 * 1024;

/** Where a staging area lives and how it swaps in. */
export interface FsStagingAreaInit {
  pluginsDir: string;
  pluginName: string;
  /** fsync files and directories before the swap (default true). */
  durable: boolean;
}

/** A fresh 8-hex-digit suffix for staging and set-aside folders. */
export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}

/**
 * Defence in depth: the core's policy already refused anything but clean relative paths; a sink
 * still never turns an unexpected one into a file outside its folder.
 */
function assertRelative(relPath: string): void {
  const segments = relPath.split('/');
  if (
    relPath === '' ||
    relPath.startsWith('/') ||
    /[\\\0]/.test(relPath) ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..')
  ) {
    throw new UnsafeArchiveError(`refusing to write outside the staging folder: ${JSON.stringify(relPath)}`, {
      rule: 'path-traversal',
      entry: relPath,
    });
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Best-effort fsync of a directory (some file systems refuse it; that is not fatal). */
async function syncDirectory(path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // EINVAL/EISDIR on file systems without directory fsync.
  } finally {
    await handle?.close().catch(() => {});
  }
}

/** A staged regular file read back as a web stream, 64 KiB at a time. */
function stagedFile(relPath: string, fullPath: string, size: number): StagedFile {
  return {
    path: relPath,
    size,
    open(): ReadableStream<Uint8Array> {
      let handle: FileHandle | undefined;
      return new ReadableStream<Uint8Array>(
        {
          async pull(controller): Promise<void> {
            try {
              handle ??= await open(fullPath, constants.O_RDONLY);
              const buffer = new Uint8Array(READ_CHUNK_BYTES);
              const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
              if (bytesRead === 0) {
                await handle.close();
                handle = undefined;
                controller.close();
              } else {
                controller.enqueue(buffer.subarray(0, bytesRead));
              }
            } catch (error) {
              await handle?.close().catch(() => {});
              handle = undefined;
              controller.error(error);
            }
          },
          async cancel(): Promise<void> {
            await handle?.close().catch(() => {});
            handle = undefined;
          },
        },
        { highWaterMark: 0 },
      );
    },
  };
}

/**
 * Creates `<pluginsDir>/.staging-<name>-<8 hex>` (mode 0700 until the swap) and returns the
 * staging area over it. Files are written with O_NOFOLLOW and exact modes; their fsync runs in the
 * background (a few at a time) and `commit` waits for all of them, then fsyncs the directories,
 * then swaps: rename the installed version to `.old-<name>-<8 hex>`, rename the staging folder to
 * `<name>`, fsync the plugins folder, remove the old version.
 */
export async function createFsStagingArea(init: FsStagingAreaInit): Promise<StagingArea> {
  const { pluginsDir, pluginName, durable } = init;
  const root = join(pluginsDir, `.staging-${pluginName}-${randomSuffix()}`);
  await mkdir(pluginsDir, { recursive: true });
  await mkdir(root, { mode: 0o700 });

  const knownDirs = new Set<string>(['']);
  const pendingSyncs = new Set<Promise<void>>();
  let syncError: unknown;
  let state: 'open' | 'committed' | 'discarded' = 'open';

  const full = (relPath: string): string => join(root, ...relPath.split('/'));
  const assertOpen = (): void => {
    if (state !== 'open') throw new Error(`plugin staging area ${root} is already ${state}`);
  };

  /** Creates missing directories one level at a time with exactly 0o755 (no umask surprises). */
  async function ensureDir(relDir: string): Promise<void> {
    if (knownDirs.has(relDir)) return;
    const parts = relDir.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (knownDirs.has(prefix)) continue;
      try {
        await mkdir(full(prefix));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      await chmod(full(prefix), 0o755);
      knownDirs.add(prefix);
    }
  }

  function parentOf(relPath: string): string {
    const slash = relPath.lastIndexOf('/');
    return slash < 0 ? '' : relPath.slice(0, slash);
  }

  function finishInBackground(handle: FileHandle): Promise<void> {
    const task = (async (): Promise<void> => {
      try {
        if (durable) await handle.sync();
      } catch (error) {
        syncError ??= error;
      } finally {
        await handle.close().catch((error: unknown) => {
          syncError ??= error;
        });
      }
    })();
    const tracked = task.finally(() => pendingSyncs.delete(tracked));
    pendingSyncs.add(tracked);
    return tracked;
  }

  async function settleSyncs(): Promise<void> {
    await Promise.all(pendingSyncs);
  }

  return {
    path: root,

    async mkdir(relPath, mode) {
      assertOpen();
      assertRelative(relPath);
      await ensureDir(relPath);
      await chmod(full(relPath), mode);
    },

    async writeFile(relPath, data, mode) {
      assertOpen();
      assertRelative(relPath);
      await ensureDir(parentOf(relPath));
      const reader = data.getReader();
      let handle: FileHandle;
      try {
        handle = await open(
          full(relPath),
          constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
          0o600,
        );
      } catch (error) {
        await reader.cancel(error).catch(() => {});
        throw error;
      }
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          let offset = 0;
          while (offset < value.length) {
            const { bytesWritten } = await handle.write(value, offset, value.length - offset);
            offset += bytesWritten;
          }
        }
        await handle.chmod(mode);
      } catch (error) {
        await reader.cancel(error).catch(() => {});
        await handle.close().catch(() => {});
        throw error;
      }
      void finishInBackground(handle);
      if (pendingSyncs.size >= MAX_PENDING_SYNCS) await Promise.race(pendingSyncs);
    },

    async symlink(relPath, target) {
      assertOpen();
      assertRelative(relPath);
      await ensureDir(parentOf(relPath));
      await symlink(target, full(relPath));
    },

    async *files() {
      async function* walk(relDir: string): AsyncGenerator<StagedFile> {
        const dir = await opendir(relDir === '' ? root : full(relDir));
        const entries: Dirent[] = [];
        for await (const entry of dir) entries.push(entry);
        for (const entry of entries) {
          const relPath = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
          if (entry.isDirectory()) {
            yield* walk(relPath);
          } else if (entry.isFile()) {
            yield stagedFile(relPath, full(relPath), (await stat(full(relPath))).size);
          } else if (entry.isSymbolicLink()) {
            // Like Python's rglob + is_file(): a link to a file counts as that file, linked folders are not entered.
            const target = await stat(full(relPath)).catch(() => null);
            if (target?.isFile()) yield stagedFile(relPath, full(relPath), target.size);
          }
        }
      }
      yield* walk('');
    },

    async file(relPath) {
      assertRelative(relPath);
      try {
        const info = await stat(full(relPath));
        return info.isFile() ? stagedFile(relPath, full(relPath), info.size) : null;
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    async commit() {
      assertOpen();
      await settleSyncs();
      if (syncError !== undefined) throw syncError;
      if (durable) {
        for (const relDir of [...knownDirs].sort((a, b) => b.length - a.length)) {
          await syncDirectory(relDir === '' ? root : full(relDir));
        }
      }
      await chmod(root, 0o755);

      const target = join(pluginsDir, pluginName);
      let aside: string | null = join(pluginsDir, `.old-${pluginName}-${randomSuffix()}`);
      try {
        await rename(target, aside);
      } catch (error) {
        if (!isMissing(error)) throw error;
        aside = null;
      }
      try {
        await rename(root, target);
      } catch (error) {
        // Put the old version back; if even that fails, the next install's cleanup restores it.
        if (aside) await rename(aside, target).catch(() => {});
        throw error;
      }
      state = 'committed';
      if (durable) await syncDirectory(pluginsDir);
      if (aside) await rm(aside, { recursive: true, force: true }).catch(() => {});
      return target;
    },

    async discard() {
      if (state === 'committed') return;
      state = 'discarded';
      await settleSyncs();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** True when `path` exists as a directory (not following a final symlink). */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}
