import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRecordingLogger } from '@molecule-ai/agent-core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CURSOR_FILE_NAME, createFileCursorStore } from '../../src/stores/index.js';
import { makeTempDirectory } from './helpers.js';

const WS = 'ws-cursor-1';
let temp: { path: string; remove(): Promise<void> };

beforeEach(async () => {
  temp = await makeTempDirectory();
});
afterEach(async () => {
  await temp.remove();
});

describe('createFileCursorStore', () => {
  it('round-trips {cursor, seen} as JSON in a 0600 file inside a 0700 directory', async () => {
    const store = createFileCursorStore({ directory: temp.path });
    await store.save(WS, { cursor: 'act-2', seen: ['act-1', 'act-2'] });
    const path = join(temp.path, WS, CURSOR_FILE_NAME);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ cursor: 'act-2', seen: ['act-1', 'act-2'] });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(temp.path, WS))).mode & 0o777).toBe(0o700);
    expect(await store.load(WS)).toEqual({ cursor: 'act-2', seen: ['act-1', 'act-2'] });
  });

  it('returns null when nothing was saved', async () => {
    expect(await createFileCursorStore({ directory: temp.path }).load(WS)).toBeNull();
  });

  it('keeps a null cursor with a seen-set (servers without a cursor)', async () => {
    const store = createFileCursorStore({ directory: temp.path });
    await store.save(WS, { cursor: null, seen: ['a', 'b'] });
    expect(await store.load(WS)).toEqual({ cursor: null, seen: ['a', 'b'] });
  });

  it('defaults to $HOME/.molecule/<id>/inbound-cursor.json', () => {
    const home = process.env.HOME;
    process.env.HOME = temp.path;
    try {
      expect(createFileCursorStore().describe(WS)).toBe(
        join(temp.path, '.molecule', WS, 'inbound-cursor.json'),
      );
    } finally {
      process.env.HOME = home;
    }
  });

  it('uses an explicit file when given one (the CLI --cursor-file)', async () => {
    const file = join(temp.path, 'custom', 'cursor.json');
    const store = createFileCursorStore({ file });
    await store.save(WS, { cursor: 'x', seen: ['x'] });
    expect(store.describe(WS)).toBe(file);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ cursor: 'x', seen: ['x'] });
  });

  it('carries over a Python --cursor-file that holds a bare activity id', async () => {
    const file = join(temp.path, 'py-cursor');
    await writeFile(file, 'b1c2d3e4-0000-4000-8000-000000000001\n');
    expect(await createFileCursorStore({ file }).load(WS)).toEqual({
      cursor: 'b1c2d3e4-0000-4000-8000-000000000001',
      seen: [],
    });
  });

  it.each([
    ['not JSON', '{oops'],
    ['wrong cursor type', '{"cursor": 5, "seen": []}'],
    ['wrong seen type', '{"cursor": "a", "seen": [1, 2]}'],
    ['an array', '["a"]'],
  ])('loads a corrupt file (%s) as null with a warning', async (_label, content) => {
    const logger = createRecordingLogger();
    await mkdir(join(temp.path, WS), { recursive: true });
    await writeFile(join(temp.path, WS, CURSOR_FILE_NAME), content);
    expect(await createFileCursorStore({ directory: temp.path, logger }).load(WS)).toBeNull();
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('clear removes the file and is idempotent', async () => {
    const store = createFileCursorStore({ directory: temp.path });
    await store.save(WS, { cursor: 'a', seen: [] });
    await store.clear(WS);
    await store.clear(WS);
    expect(await store.load(WS)).toBeNull();
  });
});
