import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Clock, Logger, Random } from '@molecule-ai/agent-core';
import { mayBeAlive } from './process-alive.js';

/** How {@link withFileLock} waits for another holder. */
export interface FileLockOptions {
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Give up waiting after this long. */
  timeoutMs: number;
  /** A lock older than this is taken over even if its holder may still be alive. */
  staleMs: number;
}

interface LockContent {
  pid?: unknown;
  host?: unknown;
  time?: unknown;
  nonce?: unknown;
}

function parseLock(text: string): LockContent {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as LockContent) : {};
  } catch {
    // Empty while its creator is still writing it, or garbage: judged by its age only.
    return {};
  }
}

async function tryCreate(lockPath: string, body: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(lockPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
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
 * Removes the lock at `lockPath` if its holder is dead or it is older than `staleMs`.
 * Returns true when the caller should retry at once.
 *
 * Two waiters may judge the same lock stale. Each moves it aside under a private name and
 * checks that what it moved is what it judged; if a fresh lock was moved by mistake it is put
 * back with `link`, which never replaces a file.
 */
async function removeIfStale(lockPath: string, options: FileLockOptions): Promise<boolean> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, mtimeMs] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath).then((s) => s.mtimeMs)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const content = parseLock(text);
  const time = typeof content.time === 'number' ? content.time : mtimeMs;
  const dead = !mayBeAlive(content.pid, content.host);
  const old = options.clock.now() - time > options.staleMs;
  if (!dead && !old) return false;

  const aside = `${lockPath}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => '');
  if (moved !== text) {
    await link(aside, lockPath).catch(() => {});
  } else {
    options.logger.warn('removed a stale lock file', {
      path: lockPath,
      reason: dead ? 'holder process is gone' : 'lock is too old',
    });
  }
  await unlink(aside).catch(() => {});
  return true;
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL, holding pid, host, time
 * and a nonce). Waiting is bounded, with exponential backoff and jitter; locks of dead
 * processes and locks older than `staleMs` are taken over.
 *
 * If the wait times out, `fn` runs anyway and a warning is logged: the lock only orders writers,
 * while every write is an atomic rename that can never leave a mixed file, and refusing to
 * write could lose a token the platform will not show again.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions,
): Promise<T> {
  const nonce = randomBytes(8).toString('hex');
  const deadline = options.clock.now() + options.timeoutMs;
  let delayMs = 2;
  let held = false;
  for (;;) {
    const body = JSON.stringify({ pid: process.pid, host: hostname(), time: options.clock.now(), nonce });
    if (await tryCreate(lockPath, body)) {
      held = true;
      break;
    }
    if (await removeIfStale(lockPath, options)) continue;
    const left = deadline - options.clock.now();
    if (left <= 0) break;
    await options.clock.sleep(Math.min(left, delayMs * (0.5 + options.random())));
    delayMs = Math.min(delayMs * 2, 100);
  }
  if (!held) {
    options.logger.warn('timed out waiting for a lock file; writing without it', {
      path: lockPath,
      timeoutMs: options.timeoutMs,
    });
  }
  try {
    return await fn();
  } finally {
    if (held) await releaseIfOurs(lockPath, nonce);
  }
}

async function releaseIfOurs(lockPath: string, nonce: string): Promise<void> {
  // A holder slower than staleMs may have been taken over; never delete the new holder's lock.
  const text = await readFile(lockPath, 'utf8').catch(() => '');
  if (parseLock(text).nonce === nonce) await unlink(lockPath).catch(() => {});
}
