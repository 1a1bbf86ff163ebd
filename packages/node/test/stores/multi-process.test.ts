import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFileTokenStore, TOKEN_FILE_NAME } from '../../src/stores/index.js';
import { bundleFixture, makeTempDirectory, startNode, waitForLine } from './helpers.js';

// Real child processes on a shared two-core machine: generous limits (safety nets, not assertions).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const WS = 'ws-multi-process';
let scripts: { path: string; remove(): Promise<void> };
let writer: string;
let reader: string;
let crashWriter: string;

beforeAll(async () => {
  scripts = await makeTempDirectory('molecule-fixtures-');
  [writer, reader, crashWriter] = await Promise.all([
    bundleFixture('token-writer', scripts.path),
    bundleFixture('token-reader', scripts.path),
    bundleFixture('crash-writer', scripts.path),
  ]);
});
afterAll(async () => {
  await scripts.remove();
});

describe('file token store across processes', () => {
  it('concurrent writers never leave an empty or mixed file, and a reader never sees a partial token', async () => {
    const temp = await makeTempDirectory();
    try {
      const writers = 4;
      const iterations = 40;
      const padding = 4096; // big enough that a torn write would be visible
      const stopFile = join(temp.path, 'stop');
      const readerRun = startNode(reader, [temp.path, WS, stopFile, String(padding)]);
      await waitForLine(readerRun.child, (line) => line === 'reading');
      const writerRuns = Array.from({ length: writers }, (_, w) =>
        startNode(writer, [temp.path, WS, String(w), String(iterations), String(padding)]),
      );
      const results = await Promise.all(writerRuns.map((run) => run.done));
      await writeFile(stopFile, '');
      const readerResult = await readerRun.done;

      for (const result of results) expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(readerResult.code).toBe(0);
      const report = JSON.parse(readerResult.stdout.trim().split('\n').pop() ?? '{}');
      expect(report.bad).toEqual([]);
      expect(report.tokens).toBeGreaterThan(0);

      // The last save to finish is some writer's last save.
      const dir = join(temp.path, WS);
      const final = await readFile(join(dir, TOKEN_FILE_NAME), 'utf8');
      expect(final).toMatch(new RegExp(`^tok-[0-${writers - 1}]-${iterations - 1}-x{${padding}}$`));
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      expect((await stat(join(dir, TOKEN_FILE_NAME))).mode & 0o777).toBe(0o600);
      expect(await readdir(dir)).toEqual([TOKEN_FILE_NAME]);
    } finally {
      await temp.remove();
    }
  });

  it('a writer killed with SIGKILL just before its rename leaves the previous token intact', async () => {
    const temp = await makeTempDirectory();
    try {
      const store = createFileTokenStore({ directory: temp.path });
      await store.save(WS, 'previous-token');
      const tokenPath = store.describe(WS);

      const crash = startNode(crashWriter, [tokenPath, 'never-committed-token']);
      const ready = await waitForLine(crash.child, (line) => line.startsWith('ready '));
      const tempPath = ready.slice('ready '.length);
      crash.child.kill('SIGKILL');
      expect((await crash.done).signal).toBe('SIGKILL');

      // The killed writer left its complete temp file and its lock; readers ignore both.
      expect(await readFile(tempPath, 'utf8')).toBe('never-committed-token');
      expect((await stat(tempPath)).mode & 0o777).toBe(0o600);
      expect((await readdir(join(temp.path, WS))).sort()).toContain(`${TOKEN_FILE_NAME}.lock`);
      expect(await store.load(WS)).toBe('previous-token');
      expect(await createFileTokenStore({ directory: temp.path }).load(WS)).toBe('previous-token');

      // The next writer recovers the dead writer's lock and sweeps its temp file.
      await createFileTokenStore({ directory: temp.path, lockTimeoutMs: 60_000 }).save(WS, 'next-token');
      expect(await store.load(WS)).toBe('next-token');
      expect(await readdir(join(temp.path, WS))).toEqual([TOKEN_FILE_NAME]);
    } finally {
      await temp.remove();
    }
  });
});
