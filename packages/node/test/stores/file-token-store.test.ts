import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@molecule-ai/agent-core';
import { createRecordingLogger } from '@molecule-ai/agent-core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileTokenStore, TOKEN_FILE_NAME } from '../../src/stores/index.js';
import { makeTempDirectory } from './helpers.js';

const WS = '5f0c9a8e-1111-4222-8333-444455556666';
let temp: { path: string; remove(): Promise<void> };

beforeEach(async () => {
  temp = await makeTempDirectory();
});
afterEach(async () => {
  await temp.remove();
});

describe('createFileTokenStore (ports of the Python token rows)', () => {
  it('save_and_load_token_roundtrip: the file has mode exactly 0600 and loads back', async () => {
    const store = createFileTokenStore({ directory: temp.path });
    await store.save(WS, 'tok-abc');
    const path = join(temp.path, WS, TOKEN_FILE_NAME);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await store.load(WS)).toBe('tok-abc');
  });

  it('save_empty_token_rejected: "" and whitespace raise ConfigError and write nothing', async () => {
    const store = createFileTokenStore({ directory: temp.path });
    await expect(store.save(WS, '')).rejects.toBeInstanceOf(ConfigError);
    await expect(store.save(WS, '   \n')).rejects.toThrow(/empty token/);
    expect(await readdir(temp.path)).toEqual([]);
  });

  it('load_token_returns_none_when_absent: no file (and no directory) gives null', async () => {
    const store = createFileTokenStore({ directory: join(temp.path, 'nothing-here') });
    expect(await store.load(WS)).toBeNull();
  });

  it('load_token_returns_none_when_file_empty: an empty or blank file gives null', async () => {
    const store = createFileTokenStore({ directory: temp.path });
    await mkdir(join(temp.path, WS));
    await writeFile(join(temp.path, WS, TOKEN_FILE_NAME), '');
    expect(await store.load(WS)).toBeNull();
    await writeFile(join(temp.path, WS, TOKEN_FILE_NAME), ' \n');
    expect(await store.load(WS)).toBeNull();
  });

  it('token_dir_default_is_under_home: the default path is $HOME/.molecule/<id>/.auth_token', async () => {
    const home = process.env.HOME;
    process.env.HOME = temp.path;
    try {
      const store = createFileTokenStore();
      const path = store.describe(WS);
      expect(path).toBe(join(temp.path, '.molecule', WS, '.auth_token'));
      await store.save(WS, 'home-token');
      expect(await readFile(path, 'utf8')).toBe('home-token');
      expect((await stat(join(temp.path, '.molecule'))).mode & 0o777).toBe(0o700);
    } finally {
      process.env.HOME = home;
    }
  });
});

describe('createFileTokenStore', () => {
  it('writes the trimmed token without a newline (the Python file format)', async () => {
    const store = createFileTokenStore({ directory: temp.path });
    await store.save(WS, '  tok-xyz\n');
    expect(await readFile(join(temp.path, WS, TOKEN_FILE_NAME), 'utf8')).toBe('tok-xyz');
  });

  it('reads a token file written by the Python SDK (trailing newline, umask mode)', async () => {
    await mkdir(join(temp.path, WS), { mode: 0o700 });
    await writeFile(join(temp.path, WS, TOKEN_FILE_NAME), 'python-token\n', { mode: 0o600 });
    expect(await createFileTokenStore({ directory: temp.path }).load(WS)).toBe('python-token');
  });

  it('creates the workspace directory 0700 and tightens an existing loose one', async () => {
    await mkdir(join(temp.path, WS), { mode: 0o755 });
    const store = createFileTokenStore({ directory: temp.path });
    await store.save(WS, 't1');
    expect((await stat(join(temp.path, WS))).mode & 0o777).toBe(0o700);
  });

  it('keeps 0600 when replacing a file that was made world-readable', async () => {
    const store = createFileTokenStore({ directory: temp.path });
    await mkdir(join(temp.path, WS), { mode: 0o700 });
    await writeFile(join(temp.path, WS, TOKEN_FILE_NAME), 'old', { mode: 0o644 });
    await store.save(WS, 'new');
    expect((await stat(join(temp.path, WS, TOKEN_FILE_NAME))).mode & 0o777).toBe(0o600);
  });

  it('creates the file 0600 even under a permissive umask', async () => {
    const previous = process.umask(0o000);
    try {
      const store = createFileTokenStore({ directory: temp.path });
      await store.save(WS, 'tok');
      expect((await stat(join(temp.path, WS, TOKEN_FILE_NAME))).mode & 0o777).toBe(0o600);
      expect((await stat(join(temp.path, WS))).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(previous);
    }
  });

  it('warns (without the token) when loading a token file others can read', async () => {
    const logger = createRecordingLogger();
    await mkdir(join(temp.path, WS), { mode: 0o700 });
    await writeFile(join(temp.path, WS, TOKEN_FILE_NAME), 'secret-value', { mode: 0o644 });
    const store = createFileTokenStore({ directory: temp.path, logger });
    expect(await store.load(WS)).toBe('secret-value');
    expect(logger.lines.some((l) => l.level === 'warn' && /chmod 600/.test(l.message))).toBe(true);
    expect(JSON.stringify(logger.lines)).not.toContain('secret-value');
  });

  it('replaces a previous token and leaves no temp or lock file behind', async () => {
    const store = createFileTokenStore({ directory: temp.path });
    await store.save(WS, 'first');
    await store.save(WS, 'second');
    expect(await store.load(WS)).toBe('second');
    expect(await readdir(join(temp.path, WS))).toEqual([TOKEN_FILE_NAME]);
  });

  it('serialises concurrent saves in one process; the last call wins', async () => {
    const store = createFileTokenStore({ directory: temp.path });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save(WS, `token-${i}`)));
    expect(await store.load(WS)).toBe('token-19');
    expect(await readdir(join(temp.path, WS))).toEqual([TOKEN_FILE_NAME]);
  });

  it('keeps workspaces apart', async () => {
    const store = createFileTokenStore({ directory: temp.path });
    await store.save('ws-a', 'token-a');
    await store.save('ws-b', 'token-b');
    expect(await store.load('ws-a')).toBe('token-a');
    expect(await store.load('ws-b')).toBe('token-b');
  });

  it('clear removes the file, is idempotent, and works when nothing was ever saved', async () => {
    const store = createFileTokenStore({ directory: temp.path });
    await store.clear(WS);
    await store.save(WS, 'tok');
    await store.clear(WS);
    await store.clear(WS);
    expect(await store.load(WS)).toBeNull();
    expect(await readdir(join(temp.path, WS))).toEqual([]);
  });

  it('describe returns the path and never the token', async () => {
    const store = createFileTokenStore({ directory: temp.path });
    await store.save(WS, 'do-not-show');
    expect(store.describe(WS)).toBe(join(temp.path, WS, TOKEN_FILE_NAME));
    expect(store.name).toBe('file');
  });

  it.each(['', '.', '..', '../escape', 'a/b', 'a\\b', 'nul\0id', ' padded '])(
    'refuses workspace id %j as a directory name',
    async (id) => {
      const store = createFileTokenStore({ directory: temp.path });
      await expect(store.save(id, 'tok')).rejects.toBeInstanceOf(ConfigError);
      await expect(store.load(id)).rejects.toBeInstanceOf(ConfigError);
      expect(await readdir(temp.path)).toEqual([]);
    },
  );

  it('reports a token file that cannot be read as a ConfigError naming the path', async () => {
    await mkdir(join(temp.path, WS, TOKEN_FILE_NAME), { recursive: true });
    const store = createFileTokenStore({ directory: temp.path });
    const loading = store.load(WS);
    await expect(loading).rejects.toBeInstanceOf(ConfigError);
    await expect(loading).rejects.toThrow(new RegExp(`token file .*${TOKEN_FILE_NAME}.* a folder`));
  });
});
