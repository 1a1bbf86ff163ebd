import { afterEach, beforeEach, describe, expect, it } from 'bun:test';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CURSOR_FILE_NAME,
  createFileCursorStore,
  createFileTokenStore,
  TOKEN_FILE_NAME,
} from '../../src/index.js';
import { startBunChild } from '../helpers/bun-child.js';
import { makeTempDirectory, permissions } from '../helpers/temp-directory.js';

const WS = 'ws-bun-multi';
let temp: { path: string; remove(): Promise<void> };

beforeEach(async () => {
  temp = await makeTempDirectory();
});
afterEach(async () => {
  await temp.remove();
});

describe('file stores across Bun processes', () => {
  it('concurrent Bun writers never leave an empty or mixed file, and a Bun reader never sees a partial token', async () => {
    const writers = 4;
    const iterations = 40;
    const padding = 4096; // big enough that a torn write would be visible
    const stopFile = join(temp.path, 'stop');
    const reader = startBunChild('token-reader', [temp.path, WS, stopFile, String(padding)]);
    await reader.waitForLine((line) => line === 'reading');
    const runs = Array.from({ length: writers }, (_, w) =>
      startBunChild('token-writer', [temp.path, WS, String(w), String(iterations), String(padding)]),
    );
    const results = await Promise.all(runs.map((run) => run.done));
    await writeFile(stopFile, '');
    const readerResult = await reader.done;

    for (const result of results) expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    const pids = new Set(results.map((r) => JSON.parse(r.stdout).pid));
    expect(pids.size).toBe(writers);
    expect(readerResult.exitCode).toBe(0);
    const report = JSON.parse(readerResult.stdout.trim().split('\n').pop() ?? '{}');
    expect(report.bad).toEqual([]);
    expect(report.tokens).toBeGreaterThan(0);

    const dir = join(temp.path, WS);
    const final = await readFile(join(dir, TOKEN_FILE_NAME), 'utf8');
    expect(final).toMatch(new RegExp(`^tok-[0-${writers - 1}]-${iterations - 1}-x{${padding}}$`));
    expect(permissions((await stat(dir)).mode)).toBe(0o700);
    expect(permissions((await stat(join(dir, TOKEN_FILE_NAME))).mode)).toBe(0o600);
    expect(await readdir(dir)).toEqual([TOKEN_FILE_NAME]);
  });

  it('a Bun writer killed with SIGKILL mid-save leaves a complete token, and the next writer recovers', async () => {
    // A kill between creating the lock file and writing its owner leaves an empty lock, which
    // names no pid and is judged by its age only: a short staleLockMs keeps that case quick.
    const store = createFileTokenStore({ directory: temp.path, lockTimeoutMs: 60_000, staleLockMs: 500 });
    await store.save(WS, 'previous-token');
    const writer = startBunChild('endless-token-writer', [temp.path, WS]);
    await writer.waitForLine((line) => line === 'saving');
    writer.process.kill('SIGKILL');
    const result = await writer.done;
    expect(result.signalCode).toBe('SIGKILL');

    const token = await store.load(WS);
    expect(token).toMatch(/^endless-\d+-y{2048}$/);
    // Whatever it left (its lock, a temp file) belongs to a dead pid: taken over and swept.
    await store.save(WS, 'next-token');
    expect(await store.load(WS)).toBe('next-token');
    expect(await readdir(join(temp.path, WS))).toEqual([TOKEN_FILE_NAME]);
    expect(permissions((await stat(join(temp.path, WS, TOKEN_FILE_NAME))).mode)).toBe(0o600);
  });

  it('concurrent Bun cursor writers leave one complete state', async () => {
    const writers = 3;
    const iterations = 30;
    const runs = Array.from({ length: writers }, (_, w) =>
      startBunChild('cursor-writer', [temp.path, WS, String(w), String(iterations)]),
    );
    for (const result of await Promise.all(runs.map((run) => run.done))) {
      expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    }
    const state = await createFileCursorStore({ directory: temp.path }).load(WS);
    expect(state?.cursor).toMatch(new RegExp(`^act-[0-${writers - 1}]-${iterations - 1}$`));
    expect(state?.seen).toHaveLength(50);
    expect(state?.seen.every((id) => id.startsWith(`${state.cursor}-`))).toBe(true);
    expect(await readdir(join(temp.path, WS))).toEqual([CURSOR_FILE_NAME]);
  });
});
