import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { mayBeAlive } from './process-alive.js';

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** Permission bits of the new file, applied before any byte is written. Default 0600. */
  mode?: number;
  /**
   * Called after the temp file is complete and synced, just before it replaces the target.
   * Internal seam: the crash tests use it to kill a writer at the worst moment.
   */
  beforeRename?: (tempPath: string) => Promise<void>;
}

const ORPHAN_AGE_MS = 60 * 60 * 1000;

function hostTag(): string {
  return (
    hostname()
      .replace(/[^A-Za-z0-9-]/g, '_')
      .slice(0, 40) || 'host'
  );
}

/** Temp files of `target` are hidden `.<name>.<host>.<pid>.<random>.tmp`, beside it, on the same filesystem. */
function tempPrefix(target: string): string {
  const name = basename(target);
  return `${name.startsWith('.') ? name : `.${name}`}.`;
}

/**
 * A fresh private temp path beside `target` (`.<name>.<host>.<pid>.<random>.tmp`), which
 * {@link removeOrphanTempFiles} of the same target sweeps once its process is gone.
 */
export function tempPathFor(target: string): string {
  return join(
    dirname(target),
    `${tempPrefix(target)}${hostTag()}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

async function syncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, constants.O_RDONLY);
    await handle.sync();
  } catch (error) {
    // Some filesystems and platforms cannot fsync a directory; the rename itself is still atomic.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces `target` with `content` so that every reader sees either the old file or the new one,
 * never a truncated or half-written one, and the new one survives a power cut once this resolves.
 *
 * The content goes to a fresh temp file created exclusively with `mode` (so it is never readable
 * by others, whatever the umask), is synced, renamed over the target, and the directory is synced.
 */
export async function writeFileAtomic(
  target: string,
  content: string,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const temp = tempPathFor(target);
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  let renamed = false;
  try {
    try {
      // The umask can only remove bits, but it could remove the owner's; set the mode exactly.
      await handle.chmod(mode);
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await options.beforeRename?.(temp);
    await rename(temp, target);
    renamed = true;
    await syncDirectory(dirname(target));
  } finally {
    if (!renamed) await unlink(temp).catch(() => {});
  }
}

/**
 * Deletes temp files of `target` left behind by writers that died mid-write: those of a dead
 * process on this host, and any older than an hour. Never touches the target itself.
 */
export async function removeOrphanTempFiles(target: string, now: number = Date.now()): Promise<number> {
  const directory = dirname(target);
  const prefix = tempPrefix(target);
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const parts = name.slice(prefix.length, -'.tmp'.length).split('.');
    if (parts.length !== 3) continue;
    const [host, pidText] = parts;
    const path = join(directory, name);
    let orphan = host === hostTag() && !mayBeAlive(Number(pidText), hostname());
    if (!orphan) {
      const info = await stat(path).catch(() => undefined);
      orphan = info !== undefined && now - info.mtimeMs > ORPHAN_AGE_MS;
    }
    if (
      orphan &&
      (await unlink(path).then(
        () => true,
        () => false,
      ))
    )
      removed += 1;
  }
  return removed;
}
