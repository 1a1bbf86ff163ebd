import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp directory; call `remove` when done. */
export async function makeTempDirectory(
  prefix = 'molecule-bun-',
): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** The permission bits of a stat mode, as a number (compare with 0o600 and friends). */
export function permissions(mode: number): number {
  return mode & 0o777;
}

/** Runs `fn` with the process umask set to `mask`, restoring the previous one afterwards. */
export async function withUmask<T>(mask: number, fn: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  try {
    return await fn();
  } finally {
    process.umask(previous);
  }
}
