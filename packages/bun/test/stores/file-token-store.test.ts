import { afterEach, beforeEach, describe, expect, it } from 'bun:test';
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@molecule-ai/agent-core';
import { createRecordingLogger } from '@molecule-ai/agent-core/testing';
import { createFileTokenStore, TOKEN_FILE_NAME } from '../../src/index.js';
import { deadPid } from '../helpers/bun-child.js';
import { makeTempDirectory, permissions, withUmask } from '../helpers/temp-directory.js';

const WS = 'ws-bun-token';
let temp: { path: string; remove(): Promise<void> };

beforeEach(async () => {
  temp = await makeTempDirectory();
});
afterEach(async () => {
  await temp.remove();
});

describe('Bun node:fs primitives the file stores rely on', () => {
  it('open(O_CREAT|O_EXCL, 0o600) creates the file 0600 before any byte is written, whatever the umask', async () => {
    await withUmask(0, async () => {
      const path = join(temp.path, 'fresh');
      const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        expect(permissions((await stat(path)).mode)).toBe(0o600);
        expect((await stat(path)).size).toBe(0);
      } finally {
        await handle.close();
      }
      await expect(
        open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600),
      ).rejects.toMatchObject({ code: 'EEXIST' });
    });
  });

  it('mkdir honours its mode under umask 0', async () => {
    await withUmask(0, async () => {
      const path = join(temp.path, 'private');
      await mkdir(path, { mode: 0o700 });
      expect(permissions((await stat(path)).mode)).toBe(0o700);
    });
  });
});

describe('createFileTokenStore under Bun', () => {
  it('loads null before a save, the trimmed token after it, and null again after clear', async () => {
    const store = createFileTokenStore({ directory: temp.path });
    expect(store.name).toBe('file');
    expect(await store.load(WS)).toBeNull();
    await store.save(WS, '  tok-123\n');
    expect(await store.load(WS)).toBe('tok-123');
    expect(await readFile(join(temp.path, WS, TOKEN_FILE_NAME), 'utf8')).toBe('tok-123');
    await store.clear(WS);
    await store.clear(WS);
    expect(await store.load(WS)).toBeNull();
  });

  it('describes the file location, never the token', async () => {
    const store = createFileTokenStore({ directory: temp.path });
    await store.save(WS, 'secret-token-value');
    expect(store.describe(WS)).toBe(join(temp.path, WS, TOKEN_FILE_NAME));
    expect(store.describe(WS)).not.toContain('secret-token-value');
  });

  for (const umask of [0o000, 0o002, 0o022]) {
    it(`creates the directory 0700 and the file 0600 with umask ${umask.toString(8).padStart(3, '0')}`, async () => {
      await withUmask(umask, async () => {
        const store = createFileTokenStore({ directory: temp.path });
        await store.save(WS, 'tok-mode');
        expect(permissions((await stat(join(temp.path, WS))).mode)).toBe(0o700);
        expect(permissions((await stat(join(temp.path, WS, TOKEN_FILE_NAME))).mode)).toBe(0o600);
      });
    });
  }

  it('tightens an existing 0755 directory and replaces a loose 0644 token file with a 0600 one', async () => {
    await withUmask(0, async () => {
      const dir = join(temp.path, WS);
      await mkdir(dir, { mode: 0o755 });
      await writeFile(join(dir, TOKEN_FILE_NAME), 'old-token', { mode: 0o644 });
      const logger = createRecordingLogger();
      const store = createFileTokenStore({ directory: temp.path, logger });
      expect(await store.load(WS)).toBe('old-token');
      expect(logger.messages('warn').some((w) => w.includes('chmod 600'))).toBe(true);
      await store.save(WS, 'new-token');
      expect(permissions((await stat(dir)).mode)).toBe(0o700);
      expect(permissions((await stat(join(dir, TOKEN_FILE_NAME))).mode)).toBe(0o600);
      expect(await store.load(WS)).toBe('new-token');
    });
  });

  it('leaves no temp or lock file behind, and concurrent saves in one process end with one complete token', async () => {
    const store = createFileTokenStore({ directory: temp.path });
    const tokens = Array.from({ length: 25 }, (_, i) => `tok-${i}-${'z'.repeat(1000)}`);
    await Promise.all(tokens.map((token) => store.save(WS, token)));
    // Saves of one store are applied in call order.
    expect(await store.load(WS)).toBe(tokens.at(-1)!);
    expect(await readdir(join(temp.path, WS))).toEqual([TOKEN_FILE_NAME]);
  });

  it('refuses an empty token and a workspace id that would leave the directory', async () => {
    const store = createFileTokenStore({ directory: temp.path });
    await expect(store.save(WS, '  \n')).rejects.toBeInstanceOf(ConfigError);
    await expect(store.save('../escape', 'tok')).rejects.toBeInstanceOf(ConfigError);
    await expect(store.load('a/b')).rejects.toBeInstanceOf(ConfigError);
    expect(await readdir(temp.path)).toEqual([]);
  });

  it('takes over the lock of a process that died (pid checked with process.kill(pid, 0) under Bun)', async () => {
    const dir = join(temp.path, WS);
    await mkdir(dir, { mode: 0o700 });
    const lock = join(dir, `${TOKEN_FILE_NAME}.lock`);
    const pid = await deadPid();
    await writeFile(lock, JSON.stringify({ pid, host: hostname(), time: Date.now(), nonce: 'dead' }));
    const logger = createRecordingLogger();
    const store = createFileTokenStore({ directory: temp.path, logger, lockTimeoutMs: 60_000 });
    await store.save(WS, 'after-dead-holder');
    expect(await store.load(WS)).toBe('after-dead-holder');
    expect(logger.messages('warn')).toContain('removed a stale lock file');
    expect(await readdir(dir)).toEqual([TOKEN_FILE_NAME]);
  });

  it('takes over an empty lock file (its writer died before naming itself) once it is older than staleLockMs', async () => {
    const dir = join(temp.path, WS);
    await mkdir(dir, { mode: 0o700 });
    await writeFile(join(dir, `${TOKEN_FILE_NAME}.lock`), '');
    const logger = createRecordingLogger();
    const store = createFileTokenStore({
      directory: temp.path,
      logger,
      lockTimeoutMs: 60_000,
      staleLockMs: 200,
    });
    await store.save(WS, 'after-empty-lock');
    expect(await store.load(WS)).toBe('after-empty-lock');
    expect(logger.messages('warn')).toContain('removed a stale lock file');
    expect(await readdir(dir)).toEqual([TOKEN_FILE_NAME]);
  });

  it('waits while a live process holds the lock and writes once it is released', async () => {
    const dir = join(temp.path, WS);
    await mkdir(dir, { mode: 0o700 });
    const lock = join(dir, `${TOKEN_FILE_NAME}.lock`);
    // Held by this (live) process, fresh: a writer must wait for it.
    await writeFile(
      lock,
      JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now(), nonce: 'x' }),
    );
    const store = createFileTokenStore({ directory: temp.path, lockTimeoutMs: 60_000 });
    const events: string[] = [];
    const saving = store.save(WS, 'after-release').then(() => events.push('saved'));
    await Bun.sleep(150);
    expect(events).toEqual([]);
    expect(await store.load(WS)).toBeNull();
    events.push('released');
    await Bun.file(lock).delete();
    await saving;
    expect(events).toEqual(['released', 'saved']);
    expect(await store.load(WS)).toBe('after-release');
  });

  it('a clear of a workspace that never existed creates nothing', async () => {
    const store = createFileTokenStore({ directory: temp.path });
    await store.clear('never-saved');
    expect(await readdir(temp.path)).toEqual([]);
  });
});
