import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { ConfigError } from '@molecule-ai/agent-core';
import { pathError } from './path-error.js';

/** The uid files must belong to, or `undefined` where the platform has no uids (Windows: no checks). */
export function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/** Root may own what the current user trusts: it can read and replace anything anyway. */
function ownerIsTrusted(uid: number, me: number): boolean {
  return uid === me || uid === 0;
}

function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isDirectory()) return 'a folder';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** Options of {@link assertTrustedDirectory}. */
export interface TrustedDirectoryOptions {
  /** What the folder is, for the error ("token folder", "plugins folder"). */
  what: string;
  /**
   * Accept a folder others may write to when its sticky bit is set (like `/tmp`): others can then
   * add entries but never rename or delete ours. Default false.
   */
  allowSticky?: boolean;
  /** Accept a root-owned folder (default true): only for folders the SDK merely passes through. */
  allowRoot?: boolean;
}

/**
 * Throws a {@link ConfigError} naming the folder and the fix unless `path` is a folder owned by
 * the current user (or root) that no one else can write to. Resolves with its stats; rejects
 * with the `stat` error (e.g. ENOENT) when it does not exist.
 *
 * A folder someone else owns or can write to lets them plant or swap the files the SDK trusts
 * (a token that is then used, a lock that never frees, a plugin backup that gets restored).
 */
export async function assertTrustedDirectory(path: string, options: TrustedDirectoryOptions): Promise<Stats> {
  const info = await stat(path).catch((error: unknown) => {
    throw pathError(error, path) ?? error;
  });
  if (!info.isDirectory()) {
    throw new ConfigError(`the ${options.what} ${path} is ${kindOf(info)}, not a folder`);
  }
  const me = currentUid();
  if (me === undefined) return info;
  const allowRoot = options.allowRoot ?? true;
  if (info.uid !== me && !(allowRoot && info.uid === 0)) {
    throw new ConfigError(
      `refusing the ${options.what} ${path}: it is owned by uid ${info.uid}, not by this user (uid ${me}), ` +
        'so its owner could plant or swap the files in it; use a folder you own ' +
        `(or run: chown ${me} ${JSON.stringify(path)})`,
    );
  }
  const othersWrite = (info.mode & 0o022) !== 0;
  const sticky = (info.mode & 0o1000) !== 0;
  if (othersWrite && !(options.allowSticky && sticky)) {
    throw new ConfigError(
      `refusing the ${options.what} ${path}: other users can write to it (mode ${(info.mode & 0o7777).toString(8)}), ` +
        `so they could plant or swap the files in it; run: chmod go-w ${JSON.stringify(path)}`,
    );
  }
  return info;
}

/** Options of {@link readTrustedFile}. */
export interface ReadTrustedFileOptions {
  /** What the file is, for the error ("token file", "lock file"). */
  what: string;
  /** Also require the current user (or root) to own the file and no one else to be able to write it. Default true. */
  checkOwner?: boolean;
  /** Refuse files larger than this (they are not what the SDK wrote). Default 1 MiB. */
  maxBytes?: number;
}

/**
 * The text of `path`, or `null` when it does not exist, read without ever blocking: the file is
 * opened with O_NONBLOCK (a FIFO planted under the name would otherwise hang the open until a
 * writer appears) and O_NOFOLLOW (a symbolic link is refused), and checked with `fstat` on the
 * open descriptor, so what is checked is what is read. Anything but a regular file, and by default a file owned by someone else or writable by
 * others, is refused with a {@link ConfigError} that says what to remove or fix.
 */
export async function readTrustedFile(path: string, options: ReadTrustedFileOptions): Promise<string | null> {
  let handle: FileHandle;
  try {
    handle = await open(
      path,
      constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW | (constants.O_NOCTTY ?? 0),
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    if (code === 'ELOOP') {
      // O_NOFOLLOW on a symbolic link: whoever made it chose what the SDK would read.
      throw new ConfigError(
        `refusing the ${options.what} ${path}: it is a symbolic link, not a regular file; remove it ` +
          '(the SDK only ever writes regular files there)',
        { cause: error },
      );
    }
    throw pathError(error, path) ?? error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new ConfigError(
        `refusing the ${options.what} ${path}: it is ${kindOf(info)}, not a regular file; remove it ` +
          '(the SDK only ever writes regular files there)',
      );
    }
    const me = currentUid();
    if ((options.checkOwner ?? true) && me !== undefined) {
      if (!ownerIsTrusted(info.uid, me)) {
        throw new ConfigError(
          `refusing the ${options.what} ${path}: it is owned by uid ${info.uid}, not by this user (uid ${me}); ` +
            'someone else may have planted it: remove it, or chown it if it is really yours',
        );
      }
      if ((info.mode & 0o022) !== 0) {
        throw new ConfigError(
          `refusing the ${options.what} ${path}: other users can write to it (mode ${(info.mode & 0o777).toString(8)}); ` +
            `run: chmod 600 ${JSON.stringify(path)}`,
        );
      }
    }
    const maxBytes = options.maxBytes ?? 1024 * 1024;
    if (info.size > maxBytes) {
      throw new ConfigError(
        `refusing the ${options.what} ${path}: ${info.size} bytes is more than the ${maxBytes} such a file can hold`,
      );
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
