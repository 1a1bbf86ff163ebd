import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  type Dirent,
  fchmod,
  fdatasync,
  close as fsClose,
  open as fsOpen,
  writev,
  writevSync,
} from 'node:fs';
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
import { UnsafeArchiveError } from '@molecule-ai/agent-core';
import type { StagedFile, StagedFileWriter, StagingArea } from '@molecule-ai/agent-core/ports';
import { pathError } from '../stores/path-error.js';
import { createSlotPool } from './slot-pool.js';

/** Files up to this size are collected and written behind while the archive streams on. */
export const WRITE_BEHIND_FILE_BYTES: number = 256 * 1024;
/** Most bytes held for background writes at once (the sink's whole memory budget). */
export const WRITE_BEHIND_BUDGET_BYTES: number = 8 * 1024 * 1024;
/** Default for the number of files written (and fsynced) in the background at once. */
export const DEFAULT_WRITE_CONCURRENCY = 16;
/** The process umask, read once: modes are fixed up with chmod only when it would change them. */
const UMASK: number = process.umask();
/** Size of each read when a staged file is streamed back. */
const READ_CHUNK_BYTES = 64 * 1024;

/** Where a staging area lives and how it swaps in. */
export interface FsStagingAreaInit {
  pluginsDir: string;
  pluginName: string;
  /** fsync files and directories before the swap (default true). */
  durable: boolean;
  /** Most files written (and fsynced) in the background at once. */
  concurrency: number;
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

/**
 * `syncfs(2)` of the file system holding `path`, through `sync -f` (GNU coreutils 8.24+, BusyBox).
 * False when that is not possible.
 */
function syncfs(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('sync', ['-f', path], { timeout: 120_000 }, (error) => resolve(error === null));
  });
}

/** fsync of one file, reopened read-only (the fallback when syncfs failed). */
async function syncFile(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
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
 * staging area over it.
 *
 * Writing: a file that turns out to be small (up to {@link WRITE_BEHIND_FILE_BYTES}) is read into
 * memory and written in the background, a few files at a time, while the archive keeps streaming;
 * at most {@link WRITE_BEHIND_BUDGET_BYTES} wait like that at once, so memory stays flat whatever the
 * plugin's size. Larger files are streamed to disk chunk by chunk. Files are opened with
 * O_NOFOLLOW and get exact modes. Errors of background writes surface at the next write and at
 * `commit`.
 *
 * Durability (`durable`): before the swap every staged file and directory must be on disk. On
 * Linux that is one `syncfs` of the file system holding the staging folder (run as `sync -f`, since
 * Node has no binding for it), far cheaper than thousands of fsyncs; where that is not available each
 * file is fsynced before it is closed and each directory after. Either way `commit` then swaps:
 * the staging folder becomes the version folder `.v-<name>-<8 hex>`, a new link to it is renamed
 * over the link `<name>` (one atomic step for readers), and the plugins folder is fsynced. The
 * previous version folder is left for the next install's cleanup.
 */
export async function createFsStagingArea(init: FsStagingAreaInit): Promise<StagingArea> {
  const { pluginsDir, pluginName, durable } = init;
  /**
   * Sync each file as it is written only where one syncfs at commit is not an option (not Linux);
   * on Linux a failing `sync -f` (no coreutils in the image) falls back to syncing the files at commit.
   */
  let fsyncEachFile = durable && process.platform !== 'linux';
  const maxBackgroundWrites = Math.max(1, init.concurrency);
  const root = join(pluginsDir, `.staging-${pluginName}-${randomSuffix()}`);
  try {
    await mkdir(root, { mode: 0o700 });
  } catch (error) {
    throw pathError(error, root) ?? error;
  }

  const knownDirs = new Set<string>(['']);
  const written = new Set<string>();
  /** Background writes by path, so a repeated path waits for its earlier write. */
  const pendingByPath = new Map<string, Promise<void>>();
  const pending = new Set<Promise<void>>();
  let bufferedBytes = 0;
  let backgroundError: unknown;
  let state: 'open' | 'committed' | 'discarded' = 'open';

  // relPath is checked (assertRelative) and uses '/', which every platform accepts as a separator.
  const full = (relPath: string): string => `${root}/${relPath}`;
  const assertOpen = (): void => {
    if (state !== 'open') throw new Error(`plugin staging area ${root} is already ${state}`);
    if (backgroundError !== undefined) throw backgroundError;
  };

  /** Creates missing directories one level at a time with exactly 0o755. */
  async function ensureDir(relDir: string): Promise<void> {
    if (knownDirs.has(relDir)) return;
    const parts = relDir.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (knownDirs.has(prefix)) continue;
      try {
        await mkdir(full(prefix), 0o755);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw pathError(error, full(prefix)) ?? error;
      }
      if (UMASK & 0o755) await chmod(full(prefix), 0o755);
      knownDirs.add(prefix);
    }
  }

  function parentOf(relPath: string): string {
    const slash = relPath.lastIndexOf('/');
    return slash < 0 ? '' : relPath.slice(0, slash);
  }

  /**
   * A path's first write creates the file (O_EXCL: nothing, not even a symlink, may be there yet in
   * the fresh staging folder). No O_TRUNC then: on ext4, truncating a file to zero arms the
   * "replace via truncate" heuristic, which starts a writeback of the file at every close, paying
   * block allocation per file on the write path instead of once in the syncfs before the swap.
   */
  const createFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  /** A path the archive repeats replaces the earlier file's content. */
  const rewriteFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

  /**
   * Opens a file for writing with exactly `mode`. Plain callback calls, wrapped once: per file this
   * costs a fraction of the FileHandle promise API, which matters with thousands of small files.
   */
  function openForWrite(relPath: string, mode: number): Promise<number> {
    const again = written.has(relPath);
    // The creation mode goes through the umask, and a file written before keeps its old mode.
    const needsChmod = (mode & UMASK) !== 0 || again;
    written.add(relPath);
    return new Promise((resolve, reject) => {
      fsOpen(full(relPath), again ? rewriteFlags : createFlags, mode, (error, fd) => {
        if (error) return reject(pathError(error, full(relPath)) ?? error);
        if (!needsChmod) return resolve(fd);
        fchmod(fd, mode, (chmodError) => {
          if (!chmodError) return resolve(fd);
          fsClose(fd, () => reject(chmodError));
        });
      });
    });
  }

  /** Writes chunks with as few system calls as possible (one `writev`, more only after a short write). */
  function writeChunks(fd: number, chunks: Uint8Array[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const step = (rest: Uint8Array[]): void => {
        if (rest.length === 0) {
          resolve();
          return;
        }
        writev(fd, rest, (error, written) => {
          if (error) return reject(error);
          let left = written;
          let index = 0;
          while (index < rest.length && left >= rest[index]!.length) left -= rest[index++]!.length;
          const next = rest.slice(index);
          if (left > 0 && next.length > 0) next[0] = next[0]!.subarray(left);
          step(next);
        });
      };
      step(chunks);
    });
  }

  /**
   * Writes a small file's chunks at once, on this thread. Copying at most
   * WRITE_BEHIND_FILE_BYTES into the page cache takes microseconds, less than handing each of
   * thousands of writes (and closes) to the thread pool and back; the open, which creates the
   * inode and can be slow, stays in the pool.
   */
  function writeChunksNow(fd: number, chunks: Uint8Array[]): void {
    let rest = chunks;
    while (rest.length > 0) {
      let left = writevSync(fd, rest);
      let index = 0;
      while (index < rest.length && left >= rest[index]!.length) left -= rest[index++]!.length;
      rest = rest.slice(index);
      if (left > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(left);
    }
  }

  /** fsync (when durable) and close; closes even when the sync fails. */
  function finish(fd: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const close = (syncError: Error | null): void =>
        fsClose(fd, (closeError) => (syncError || closeError ? reject(syncError ?? closeError) : resolve()));
      if (fsyncEachFile) fdatasync(fd, close);
      else close(null);
    });
  }

  function closeQuietly(fd: number): Promise<void> {
    return new Promise((resolve) => fsClose(fd, () => resolve()));
  }

  /** Waiters for a free background slot; woken one at a time as background writes finish. */
  const slotWaiters: (() => void)[] = [];
  let running = 0;

  /** Runs `task` in the background, tracked per path and overall; its failure fails the install. */
  function inBackground(relPath: string, task: () => Promise<void>, bytes: number): void {
    bufferedBytes += bytes;
    running += 1;
    const before = pendingByPath.get(relPath);
    const run = (before ? before.then(task) : task()).catch((error: unknown) => {
      backgroundError ??= error;
    });
    const tracked = run.finally(() => {
      bufferedBytes -= bytes;
      running -= 1;
      pending.delete(tracked);
      if (pendingByPath.get(relPath) === tracked) pendingByPath.delete(relPath);
      slotWaiters.shift()?.();
    });
    pending.add(tracked);
    pendingByPath.set(relPath, tracked);
  }

  /** Whether {@link makeRoom} would wait. */
  function mustWait(maxFiles: number, maxBytes: number): boolean {
    return running > 0 && (running >= maxFiles || bufferedBytes > maxBytes);
  }

  /** Waits until fewer than `maxFiles` background writes and at most `maxBytes` buffered bytes remain. */
  async function makeRoom(maxFiles: number, maxBytes: number): Promise<void> {
    while (mustWait(maxFiles, maxBytes)) {
      await new Promise<void>((resolve) => slotWaiters.push(resolve));
    }
  }

  /** Writes a small file's whole content in the background, within the write-behind budget. */
  async function writeBehind(
    relPath: string,
    chunks: Uint8Array[],
    bytes: number,
    mode: number,
  ): Promise<void> {
    await makeRoom(maxBackgroundWrites, WRITE_BEHIND_BUDGET_BYTES - bytes);
    inBackground(
      relPath,
      async () => {
        const fd = await openForWrite(relPath, mode);
        try {
          writeChunksNow(fd, chunks);
        } catch (error) {
          await closeQuietly(fd);
          throw error;
        }
        if (fsyncEachFile) await finish(fd);
        else closeSync(fd);
      },
      bytes,
    );
  }

  /**
   * Buffers that small files are collected in for their write behind, reused from file to file and
   * sized to the file (a power of two): together never more than a full-size slot per background
   * write plus the file being read.
   */
  const slots = createSlotPool(WRITE_BEHIND_FILE_BYTES, (maxBackgroundWrites + 1) * WRITE_BEHIND_FILE_BYTES);

  /** A small file collected into a reused slot, then written behind (see `createFile`). */
  async function collectSmallFile(relPath: string, size: number, mode: number): Promise<StagedFileWriter> {
    // Checked here first: most files find room at once, and an await per file is measurable.
    if (mustWait(maxBackgroundWrites, WRITE_BEHIND_BUDGET_BYTES - size)) {
      await makeRoom(maxBackgroundWrites, WRITE_BEHIND_BUDGET_BYTES - size);
    }
    const slot = slots.acquire(size);
    let filled = 0;
    let closed = false;
    return {
      write(piece) {
        if (filled + piece.length > size) {
          return Promise.reject(new RangeError(`${relPath}: more bytes than its size ${size}`));
        }
        slot.set(piece, filled);
        filled += piece.length;
        return undefined; // copied: nothing to wait for
      },
      async close() {
        if (closed) return;
        closed = true;
        inBackground(
          relPath,
          async () => {
            try {
              const fd = await openForWrite(relPath, mode);
              try {
                writeChunksNow(fd, [slot.subarray(0, filled)]);
              } catch (error) {
                await closeQuietly(fd);
                throw error;
              }
              if (fsyncEachFile) await finish(fd);
              else closeSync(fd);
            } finally {
              slots.release(slot);
            }
          },
          size,
        );
      },
    };
  }

  /** A large file streamed to disk, each piece written before the next is read. */
  async function streamLargeFile(relPath: string, mode: number): Promise<StagedFileWriter> {
    await pendingByPath.get(relPath);
    const fd = await openForWrite(relPath, mode);
    let closed = false;
    let failed = false;
    return {
      async write(piece) {
        try {
          await writeChunks(fd, [piece]);
        } catch (error) {
          failed = true;
          throw error;
        }
      },
      async close() {
        if (closed) return;
        closed = true;
        if (failed || backgroundError !== undefined) {
          await closeQuietly(fd);
          return;
        }
        await makeRoom(maxBackgroundWrites, WRITE_BEHIND_BUDGET_BYTES);
        inBackground(relPath, () => finish(fd), 0);
      },
    };
  }

  async function settle(): Promise<void> {
    while (pending.size > 0) await Promise.all(pending);
    if (backgroundError !== undefined) throw backgroundError;
  }

  return {
    path: root,

    async mkdir(relPath, mode) {
      assertOpen();
      assertRelative(relPath);
      await ensureDir(relPath);
      if (mode !== 0o755) await chmod(full(relPath), mode);
    },

    async writeFile(relPath, data, mode) {
      assertOpen();
      assertRelative(relPath);
      await ensureDir(parentOf(relPath));
      const reader = data.getReader();
      try {
        // Read ahead: a small file is collected and written behind; a large one streams.
        const head: Uint8Array[] = [];
        let headBytes = 0;
        let ended = false;
        while (headBytes <= WRITE_BEHIND_FILE_BYTES) {
          const { done, value } = await reader.read();
          if (done) {
            ended = true;
            break;
          }
          head.push(value);
          headBytes += value.length;
        }
        if (ended) {
          await writeBehind(relPath, head, headBytes, mode);
          return;
        }
        await pendingByPath.get(relPath);
        const fd = await openForWrite(relPath, mode);
        try {
          // Large files stream to disk in batches of about WRITE_BEHIND_FILE_BYTES.
          let batch = head;
          let batchBytes = headBytes;
          for (;;) {
            if (batchBytes > WRITE_BEHIND_FILE_BYTES) {
              await writeChunks(fd, batch);
              batch = [];
              batchBytes = 0;
            }
            const { done, value } = await reader.read();
            if (done) break;
            batch.push(value);
            batchBytes += value.length;
          }
          await writeChunks(fd, batch);
        } catch (error) {
          await closeQuietly(fd);
          throw error;
        }
        await makeRoom(maxBackgroundWrites, WRITE_BEHIND_BUDGET_BYTES);
        inBackground(relPath, () => finish(fd), 0);
      } catch (error) {
        await reader.cancel(error).catch(() => {});
        throw error;
      }
    },

    async writeFileChunks(relPath, chunks, mode) {
      assertOpen();
      assertRelative(relPath);
      await ensureDir(parentOf(relPath));
      let bytes = 0;
      for (const chunk of chunks) bytes += chunk.length;
      if (bytes <= WRITE_BEHIND_FILE_BYTES) {
        await writeBehind(relPath, [...chunks], bytes, mode);
        return;
      }
      await pendingByPath.get(relPath);
      const fd = await openForWrite(relPath, mode);
      try {
        await writeChunks(fd, [...chunks]);
      } catch (error) {
        await closeQuietly(fd);
        throw error;
      }
      await makeRoom(maxBackgroundWrites, WRITE_BEHIND_BUDGET_BYTES);
      inBackground(relPath, () => finish(fd), 0);
    },

    async createFile(relPath, size, mode) {
      assertOpen();
      assertRelative(relPath);
      const parent = parentOf(relPath);
      if (!knownDirs.has(parent)) await ensureDir(parent);
      return size <= WRITE_BEHIND_FILE_BYTES
        ? collectSmallFile(relPath, size, mode)
        : streamLargeFile(relPath, mode);
    },

    async symlink(relPath, target) {
      assertOpen();
      assertRelative(relPath);
      await ensureDir(parentOf(relPath));
      await symlink(target, full(relPath)).catch((error: unknown) => {
        throw pathError(error, full(relPath)) ?? error;
      });
    },

    async *files() {
      await settle();
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
      await settle();
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
      await settle();
      if (durable && !fsyncEachFile && !(await syncfs(root))) {
        // syncfs failed after all: fall back to syncing every file now.
        fsyncEachFile = true;
        const files = [...written];
        for (let i = 0; i < files.length; i += maxBackgroundWrites) {
          await Promise.all(
            files.slice(i, i + maxBackgroundWrites).map((relPath) => syncFile(full(relPath))),
          );
        }
      }
      if (fsyncEachFile) {
        // Deepest first, a few at a time: every new name is on disk before the folder is swapped in.
        const dirs = [...knownDirs].sort((a, b) => b.split('/').length - a.split('/').length);
        for (let i = 0; i < dirs.length; i += maxBackgroundWrites) {
          await Promise.all(
            dirs
              .slice(i, i + maxBackgroundWrites)
              .map((relDir) => syncDirectory(relDir === '' ? root : full(relDir))),
          );
        }
      }
      await chmod(root, 0o755);

      // The installed plugin is a link to a version folder, replaced with one rename: a reader
      // resolving `<name>/...` at any moment finds the old tree or the new one, never nothing.
      const version = `.v-${pluginName}-${randomSuffix()}`;
      await rename(root, join(pluginsDir, version)).catch((error: unknown) => {
        throw pathError(error, join(pluginsDir, version)) ?? error;
      });
      const link = join(pluginsDir, `.link-${pluginName}-${randomSuffix()}`);
      await symlink(version, link);
      const target = join(pluginsDir, pluginName);
      // A folder installed by an older release (or the Python SDK) cannot be replaced by renaming
      // a link over it: it becomes a version folder first, the one moment the name is missing.
      let legacy: string | null = null;
      if (await isDirectory(target)) {
        legacy = join(pluginsDir, `.v-${pluginName}-${randomSuffix()}`);
        await rename(target, legacy);
      }
      try {
        await rename(link, target);
      } catch (error) {
        await rm(link, { force: true }).catch(() => {});
        if (legacy) await rename(legacy, target).catch(() => {});
        throw error;
      }
      state = 'committed';
      // The previous version stays until the next install's cleanup, so that a reader still
      // walking it is not cut off.
      if (durable) await syncDirectory(pluginsDir);
      return target;
    },

    async discard() {
      if (state === 'committed') return;
      state = 'discarded';
      while (pending.size > 0) await Promise.all(pending);
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
