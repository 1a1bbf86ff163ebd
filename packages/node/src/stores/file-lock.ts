import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { AbortError, type Clock, type Logger, type Random } from '@molecule-ai/agent-core';
import { silentLogger, systemClock, systemRandom } from '@molecule-ai/agent-core/ports';
import { removeOrphanTempFiles, tempPathFor } from './atomic-file.js';
import { mayBeAlive } from './process-alive.js';
import { readTrustedFile } from './trusted-path.js';

/** How a cross-process lock file is taken, kept and judged (shared by {@link acquireFileLock} and {@link withFileLock}). */
export interface FileLockOptions {
  /**
   * A lock older than this is taken over even if its holder may still be alive (another host, or
   * a reused pid). Its age is the `time` in its record, or, for refreshed locks, its file's mtime.
   */
  staleMs: number;
  /**
   * Touch the lock file every `staleMs / 3` while it is held, so a slow but live holder is never
   * taken over; its age is then judged by mtime. Default false.
   */
  refresh?: boolean;
  /** Longest pause between two attempts while waiting. Default 100 ms. */
  maxPollMs?: number;
  /** File mode of the lock file. Default 0o600. */
  mode?: number;
  /** Stops the wait with an {@link AbortError}. */
  signal?: AbortSignal;
  /** Default {@link systemClock}. */
  clock?: Clock;
  /** Jitter of the backoff. Default {@link systemRandom}. */
  random?: Random;
  /** Warnings about stale locks and timeouts. Default: silent. */
  logger?: Logger;
  /** Crash tests only: runs after the owner record is written to its temp file, before the `link`. */
  beforeLink?: (tempPath: string) => Promise<void>;
  /** Crash tests only: runs after a successful `link`, before the temp file is removed. */
  afterLink?: (tempPath: string) => Promise<void>;
}

/** Options of {@link withFileLock}: the wait is bounded. */
export interface BoundedFileLockOptions extends FileLockOptions {
  /** Give up waiting after this long (and run anyway, see {@link withFileLock}). */
  timeoutMs: number;
}

/** Deletes the lock if it is still ours; calling it again does nothing. */
export type ReleaseFileLock = () => Promise<void>;

interface LockRecord {
  pid?: unknown;
  host?: unknown;
  time?: unknown;
  nonce?: unknown;
}

function parseRecord(text: string): LockRecord {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as LockRecord) : {};
  } catch {
    // Our own locks are never empty (they are linked in whole), but an older writer's or a
    // damaged one may be: judged by its age only.
    return {};
  }
}

/**
 * A lock file's text (`null` when it is gone), read without blocking: a FIFO or device planted
 * under the lock's name is refused with a ConfigError instead of hanging the open forever.
 */
function readLock(path: string): Promise<string | null> {
  return readTrustedFile(path, { what: 'lock file', checkOwner: false, maxBytes: 64 * 1024 });
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/**
 * Creates `path` holding `body`, or returns false if it exists. The record is written to a
 * private temp file first and then hard-linked to `path`: `link` never replaces a file, so the
 * lock appears atomically with its owner inside, and a crash at any step leaves either no lock
 * or a complete one (plus a temp file that the next holder sweeps).
 */
async function tryCreate(path: string, body: string, options: FileLockOptions): Promise<boolean> {
  const temp = tempPathFor(path);
  try {
    await writeFile(temp, body, { encoding: 'utf8', mode: options.mode ?? 0o600, flag: 'wx' });
    await options.beforeLink?.(temp);
    try {
      await link(temp, path);
    } catch (error) {
      if (errorCode(error) === 'EEXIST') return false;
      // A file system without hard links: fall back to create-then-write.
      if (['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(errorCode(error) ?? '')) {
        return tryCreateExclusive(path, body, options.mode ?? 0o600);
      }
      throw error;
    }
    await options.afterLink?.(temp);
    return true;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

async function tryCreateExclusive(path: string, body: string, mode: number): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(body, 'utf8');
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Removes the lock at `path` when its holder is dead (same host, pid gone) or it is older than
 * `staleMs`. Returns true when the caller should try again at once.
 *
 * Two waiters may judge the same lock stale. Each renames it to a private name and compares what
 * it moved with what it judged; a fresh lock moved by mistake is put back with `link`, which never
 * overwrites, so at most one holder ever exists.
 */
async function removeIfStale(
  path: string,
  options: FileLockOptions,
  clock: Clock,
  logger: Logger,
): Promise<boolean> {
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(path)).mtimeMs;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return true;
    throw error;
  }
  const text = await readLock(path);
  if (text === null) return true;
  const record = parseRecord(text);
  const since = typeof record.time === 'number' ? record.time : mtimeMs;
  const dead = !mayBeAlive(record.pid, record.host);
  if (!dead && clock.now() - since <= options.staleMs) return false;

  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return true;
    throw error;
  }
  const moved = await readLock(aside).catch(() => null);
  if (moved !== text) {
    await link(aside, path).catch(() => {});
  } else {
    logger.warn('removed a stale lock file', {
      path,
      reason: dead ? 'holder process is gone' : 'lock is too old',
    });
  }
  await unlink(aside).catch(() => {});
  return true;
}

function abortError(signal: AbortSignal): AbortError {
  return new AbortError('waiting for a lock file was aborted', { cause: signal.reason });
}

/** Waits for the lock until `deadline`; resolves to its release function, or undefined on timeout. */
async function waitForLock(
  path: string,
  options: FileLockOptions,
  deadline: number,
): Promise<ReleaseFileLock | undefined> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const logger = options.logger ?? silentLogger;
  const maxPollMs = options.maxPollMs ?? 100;
  const { signal } = options;
  const nonce = randomBytes(8).toString('hex');
  let delayMs = 2;
  for (;;) {
    if (signal?.aborted) throw abortError(signal);
    // Refreshed locks are judged by mtime, so they carry no `time` (only an informative `since`).
    const body = JSON.stringify(
      options.refresh
        ? { pid: process.pid, host: hostname(), nonce, since: new Date(clock.now()).toISOString() }
        : { pid: process.pid, host: hostname(), time: clock.now(), nonce },
    );
    if (await tryCreate(path, body, options)) break;
    if (await removeIfStale(path, options, clock, logger)) continue;
    const left = deadline - clock.now();
    if (left <= 0) return undefined;
    try {
      await clock.sleep(Math.min(left, delayMs * (0.5 + random())), signal);
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      throw error;
    }
    delayMs = Math.min(delayMs * 2, maxPollMs);
  }
  // Temp files of writers killed around their `link`: harmless, but never left to pile up.
  await removeOrphanTempFiles(path).catch(() => 0);

  let heartbeat: ReturnType<typeof setInterval> | undefined;
  if (options.refresh) {
    heartbeat = setInterval(
      () => {
        const now = new Date();
        void utimes(path, now, now).catch(() => {});
      },
      Math.max(1000, Math.floor(options.staleMs / 3)),
    );
    heartbeat.unref();
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    if (heartbeat) clearInterval(heartbeat);
    // A holder that stalled past staleMs may have been taken over: never delete the new holder's lock.
    const text = await readLock(path).catch(() => null);
    if (parseRecord(text ?? '').nonce === nonce) await unlink(path).catch(() => {});
  };
}

/**
 * Takes the cross-process lock file `path` (holding pid, host and a nonce), waiting as long as a
 * live holder keeps it; locks of dead processes and locks older than `staleMs` are taken over.
 * Rejects with {@link AbortError} when `signal` aborts. Resolves to the release function, which
 * only ever deletes its own lock.
 */
export async function acquireFileLock(path: string, options: FileLockOptions): Promise<ReleaseFileLock> {
  const release = await waitForLock(path, options, Number.POSITIVE_INFINITY);
  // Unreachable: an unbounded wait only ends with the lock or an error.
  if (!release) throw new AbortError('waiting for a lock file ended without the lock');
  return release;
}

/**
 * Runs `fn` while holding the lock file `lockPath` (holding pid, host, time and a nonce). Waiting
 * is bounded by `timeoutMs`, with exponential backoff and jitter; locks of dead processes and
 * locks older than `staleMs` are taken over.
 *
 * If the wait times out, `fn` runs anyway and a warning is logged: the lock only orders writers,
 * while every write is an atomic rename that can never leave a mixed file, and refusing to
 * write could lose a token the platform will not show again.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: BoundedFileLockOptions,
): Promise<T> {
  const clock = options.clock ?? systemClock;
  const release = await waitForLock(lockPath, options, clock.now() + options.timeoutMs);
  if (!release) {
    (options.logger ?? silentLogger).warn('timed out waiting for a lock file; writing without it', {
      path: lockPath,
      timeoutMs: options.timeoutMs,
    });
  }
  try {
    return await fn();
  } finally {
    await release?.();
  }
}
