import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { systemClock, systemRandom } from '@molecule-ai/agent-core/ports';
import { createRecordingLogger } from '@molecule-ai/agent-core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { removeOrphanTempFiles, writeFileAtomic } from '../../src/stores/atomic-file.js';
import { withFileLock } from '../../src/stores/file-lock.js';
import { deadPid, makeTempDirectory, startNode } from './helpers.js';

// Real child processes on a shared two-core machine: generous limits (safety nets, not assertions).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let temp: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  temp = await makeTempDirectory();
});
afterEach(async () => {
  await temp.remove();
});

function lockOptions(logger = createRecordingLogger(), timeoutMs = 5_000, staleMs = 30_000) {
  return { clock: systemClock, random: systemRandom, logger, timeoutMs, staleMs };
}

describe('withFileLock', () => {
  it('holds an O_EXCL lock file with pid, host and time while fn runs, then removes it', async () => {
    const lock = join(temp.path, 'x.lock');
    const inside = await withFileLock(
      lock,
      async () => JSON.parse(await readFile(lock, 'utf8')),
      lockOptions(),
    );
    expect(inside).toMatchObject({ pid: process.pid, host: hostname() });
    expect(typeof inside.time).toBe('number');
    expect(await readdir(temp.path)).toEqual([]);
  });

  it('takes over a lock whose holder process is gone, with a warning', async () => {
    const lock = join(temp.path, 'x.lock');
    await writeFile(
      lock,
      JSON.stringify({ pid: await deadPid(), host: hostname(), time: Date.now(), nonce: 'n' }),
    );
    const logger = createRecordingLogger();
    expect(await withFileLock(lock, async () => 'ran', lockOptions(logger))).toBe('ran');
    expect(logger.lines.some((l) => l.message === 'removed a stale lock file')).toBe(true);
    expect(await readdir(temp.path)).toEqual([]);
  });

  it('takes over a lock older than staleMs even if its holder is alive', async () => {
    const lock = join(temp.path, 'x.lock');
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now() - 60_000 }));
    const logger = createRecordingLogger();
    expect(await withFileLock(lock, async () => 'ran', lockOptions(logger, 5_000, 30_000))).toBe('ran');
    expect(logger.lines[0]?.fields).toMatchObject({ reason: 'lock is too old' });
  });

  it('waits for a live holder in another process and runs after it releases', async () => {
    const lock = join(temp.path, 'x.lock');
    const target = join(temp.path, 'value');
    // The child holds the lock, writes "child" after a pause, then releases it.
    const script = `
      const fs = require('node:fs');
      fs.writeFileSync(${JSON.stringify(lock)}, JSON.stringify({ pid: process.pid, host: require('node:os').hostname(), time: Date.now() }), { flag: 'wx' });
      console.log('locked');
      setTimeout(() => { fs.writeFileSync(${JSON.stringify(target)}, 'child'); fs.unlinkSync(${JSON.stringify(lock)}); }, 300);
    `;
    const { child, done } = startNode('-e', [script]);
    await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
    await withFileLock(lock, () => writeFile(target, 'parent'), lockOptions());
    await done;
    expect(await readFile(target, 'utf8')).toBe('parent');
  });

  it('after a bounded wait it writes anyway (never skips the write) and warns', async () => {
    const lock = join(temp.path, 'x.lock');
    // A live holder (this process) with a fresh lock that is never released.
    await writeFile(
      lock,
      JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now(), nonce: 'other' }),
    );
    const logger = createRecordingLogger();
    const result = await withFileLock(lock, async () => 'written', lockOptions(logger, 150));
    expect(result).toBe('written');
    expect(logger.lines.some((l) => /timed out waiting for a lock/.test(l.message))).toBe(true);
    // The other holder's lock is left alone.
    expect(JSON.parse(await readFile(lock, 'utf8')).nonce).toBe('other');
  });

  it('releases the lock when fn throws', async () => {
    const lock = join(temp.path, 'x.lock');
    await expect(
      withFileLock(
        lock,
        async () => {
          throw new Error('boom');
        },
        lockOptions(),
      ),
    ).rejects.toThrow('boom');
    expect(await readdir(temp.path)).toEqual([]);
  });
});

describe('writeFileAtomic', () => {
  it('leaves the old content and no temp file when the write fails before the rename', async () => {
    const target = join(temp.path, 'file');
    await writeFileAtomic(target, 'old');
    await expect(
      writeFileAtomic(target, 'new', {
        beforeRename: async () => {
          throw new Error('disk on fire');
        },
      }),
    ).rejects.toThrow('disk on fire');
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await readdir(temp.path)).toEqual(['file']);
  });

  it('the temp file is already 0600 before any content is written', async () => {
    const target = join(temp.path, 'file');
    let tempMode = -1;
    await writeFileAtomic(target, 'content', {
      beforeRename: async (tempPath) => {
        tempMode = (await stat(tempPath)).mode & 0o777;
      },
    });
    expect(tempMode).toBe(0o600);
  });
});

describe('removeOrphanTempFiles', () => {
  it('removes temp files of dead processes on this host and keeps live ones and the target', async () => {
    const target = join(temp.path, '.auth_token');
    await writeFile(target, 'keep');
    const host = hostname()
      .replace(/[^A-Za-z0-9-]/g, '_')
      .slice(0, 40);
    const dead = `.auth_token.${host}.${await deadPid()}.abcdef.tmp`;
    const live = `.auth_token.${host}.${process.pid}.abcdef.tmp`;
    const foreign = '.auth_token.some-other-host.1.abcdef.tmp';
    for (const name of [dead, live, foreign]) await writeFile(join(temp.path, name), 'partial');
    expect(await removeOrphanTempFiles(target)).toBe(1);
    expect((await readdir(temp.path)).sort()).toEqual([foreign, live, '.auth_token'].sort());
    // An hour later even the foreign one is considered abandoned.
    expect(await removeOrphanTempFiles(target, Date.now() + 2 * 60 * 60 * 1000)).toBe(2);
  });
});
