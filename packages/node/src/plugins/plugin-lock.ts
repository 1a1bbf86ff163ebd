import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { AbortError } from '@molecule-ai/agent-core';
import { mayBeAlive } from '../stores/process-alive.js';

/** Tuning of {@link acquirePluginLock}. */
export interface PluginLockOptions {
  /**
   * A lock whose file has not been touched for this long is taken over even if its holder may be
   * alive (another host, or a pid that was reused). Holders touch it every third of this. Default 60 s.
   */
  staleMs?: number;
  /** Longest pause between two attempts while waiting. Default 250 ms. */
  maxPollMs?: number;
  signal?: AbortSignal;
}

interface LockOwner {
  pid?: unknown;
  host?: unknown;
  nonce?: unknown;
}

function parseOwner(text: string): LockOwner {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as LockOwner) : {};
  } catch {
    // Empty while its creator is still writing it, or garbage: judged by age only.
    return {};
  }
}

async function tryCreate(path: string, body: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
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
 * Removes the lock at `path` when its holder is dead (same host, pid gone) or the file has not
 * been touched for `staleMs`. Returns true when the caller should try again at once.
 *
 * Two waiters may judge the same lock stale. Each renames it to a private name and compares what
 * it moved with what it judged; a fresh lock moved by mistake is put back with `link`, which never
 * overwrites, so at most one holder ever exists.
 */
async function removeIfStale(path: string, staleMs: number): Promise<boolean> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, mtimeMs] = await Promise.all([readFile(path, 'utf8'), stat(path).then((s) => s.mtimeMs)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const owner = parseOwner(text);
  const dead = owner.pid !== undefined && !mayBeAlive(owner.pid, owner.host);
  if (!dead && Date.now() - mtimeMs <= staleMs) return false;
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => '');
  if (moved !== text) await link(aside, path).catch(() => {});
  await unlink(aside).catch(() => {});
  return true;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted)
      return reject(new AbortError('waiting for the plugin lock was aborted', { cause: signal.reason }));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortError('waiting for the plugin lock was aborted', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Takes the cross-process lock file `path` (created with O_EXCL, holding pid, host and a nonce),
 * waiting as long as a live holder keeps it. While held, the file's mtime is refreshed every
 * `staleMs / 3` so other waiters can tell a live holder from a crashed one even across hosts.
 * Resolves to the release function, which only ever deletes its own lock.
 */
export async function acquirePluginLock(
  path: string,
  options: PluginLockOptions = {},
): Promise<() => Promise<void>> {
  const staleMs = options.staleMs ?? 60_000;
  const maxPollMs = options.maxPollMs ?? 250;
  const nonce = randomBytes(8).toString('hex');
  const body = JSON.stringify({ pid: process.pid, host: hostname(), nonce, since: new Date().toISOString() });
  let delayMs = 5;
  for (;;) {
    if (options.signal?.aborted) {
      throw new AbortError('waiting for the plugin lock was aborted', { cause: options.signal.reason });
    }
    if (await tryCreate(path, body)) break;
    if (await removeIfStale(path, staleMs)) continue;
    await sleep(delayMs * (0.5 + Math.random()), options.signal);
    delayMs = Math.min(delayMs * 2, maxPollMs);
  }

  const heartbeat = setInterval(
    () => {
      const now = new Date();
      void utimes(path, now, now).catch(() => {});
    },
    Math.max(1000, Math.floor(staleMs / 3)),
  );
  heartbeat.unref();
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    // A holder that stalled past staleMs may have been taken over: never delete the new holder's lock.
    const text = await readFile(path, 'utf8').catch(() => '');
    if (parseOwner(text).nonce === nonce) await unlink(path).catch(() => {});
  };
}
