import { afterEach, beforeEach, describe, expect, it } from 'bun:test';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@molecule-ai/agent-core';
import { CURSOR_FILE_NAME, createFileCursorStore } from '../../src/index.js';
import { makeTempDirectory, permissions, withUmask } from '../helpers/temp-directory.js';

const WS = 'ws-bun-cursor';
let temp: { path: string; remove(): Promise<void> };

beforeEach(async () => {
  temp = await makeTempDirectory();
});
afterEach(async () => {
  await temp.remove();
});

describe('createFileCursorStore under Bun', () => {
  it('round-trips a cursor state as JSON in a 0600 file inside a 0700 directory', async () => {
    await withUmask(0, async () => {
      const store = createFileCursorStore({ directory: temp.path });
      expect(await store.load(WS)).toBeNull();
      await store.save(WS, { cursor: 'act-2', seen: ['act-1', 'act-2'] });
      expect(await store.load(WS)).toEqual({ cursor: 'act-2', seen: ['act-1', 'act-2'] });
      const path = join(temp.path, WS, CURSOR_FILE_NAME);
      expect(store.describe(WS)).toBe(path);
      expect(await Bun.file(path).json()).toEqual({ cursor: 'act-2', seen: ['act-1', 'act-2'] });
      expect(permissions((await stat(path)).mode)).toBe(0o600);
      expect(permissions((await stat(join(temp.path, WS))).mode)).toBe(0o700);
      expect(await readdir(join(temp.path, WS))).toEqual([CURSOR_FILE_NAME]);
      await store.clear(WS);
      expect(await store.load(WS)).toBeNull();
    });
  });

  it('reads a bare activity id (the Python --cursor-file format) from an explicit file', async () => {
    const file = join(temp.path, 'cursor.txt');
    await writeFile(file, 'act-77\n');
    const store = createFileCursorStore({ file });
    expect(await store.load('any-workspace')).toEqual({ cursor: 'act-77', seen: [] });
    await store.save('any-workspace', { cursor: null, seen: [] });
    expect(await store.load('any-workspace')).toEqual({ cursor: null, seen: [] });
    expect(permissions((await stat(file)).mode)).toBe(0o600);
  });

  it('loads a corrupt file as null with a warning instead of failing the agent', async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (m) => void warnings.push(m), error() {} };
    const file = join(temp.path, 'cursor.json');
    await writeFile(file, '{"cursor": 42}');
    const store = createFileCursorStore({ file, logger });
    expect(await store.load(WS)).toBeNull();
    expect(warnings).toHaveLength(1);
  });
});
