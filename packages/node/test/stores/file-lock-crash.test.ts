// A lock file is created whole (owner record in a temp file, then `link`), so a writer killed
// at any step never leaves an empty lock that blocks everyone until it goes stale.

import { readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock, systemRandom } from '@molecule-ai/agent-core/ports';
import { createRecordingLogger } from '@molecule-ai/agent-core/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withFileLock } from '../../src/stores/file-lock.js';
import { bundleFixture, makeTempDirectory, startNode, waitForLine } from './helpers.js';

// Real child processes on a shared two-core machine: generous limits (safety nets, not assertions).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let scripts: { path: string; remove(): Promise<void> };
let holder: string;
beforeAll(async () => {
  scripts = await makeTempDirectory('molecule-fixtures-');
  holder = await bundleFixture('lock-holder', scripts.path);
});
afterAll(async () => {
  await scripts.remove();
});

// The stores' defaults: a lock is stale after 30 s, far longer than the 5 s wait allowed here,
// so the next writer can only get the lock in time if nothing empty or undecidable is left.
function lockOptions(logger = createRecordingLogger()) {
  return { clock: systemClock, random: systemRandom, logger, timeoutMs: 5_000, staleMs: 30_000 };
}

describe('a writer SIGKILLed while creating its lock', () => {
  it.each(['before-link', 'after-link'])(
    'killed %s: never leaves an empty lock; the next writer gets it at once',
    async (step) => {
      const temp = await makeTempDirectory();
      try {
        const lock = join(temp.path, 'x.lock');
        const { child, done } = startNode(holder, [lock, step]);
        await waitForLine(child, (line) => line.startsWith('ready '));
        child.kill('SIGKILL');
        await done;

        const left = await readFile(lock, 'utf8').catch(() => null);
        if (step === 'before-link') {
          expect(left).toBeNull();
        } else {
          expect(JSON.parse(left ?? '')).toMatchObject({ pid: child.pid });
        }

        const logger = createRecordingLogger();
        const inside = await withFileLock(
          lock,
          async () => JSON.parse(await readFile(lock, 'utf8')),
          lockOptions(logger),
        );
        expect(inside).toMatchObject({ pid: process.pid });
        expect(logger.lines.some((l) => /timed out/.test(l.message))).toBe(false);
        if (step === 'after-link') {
          expect(logger.lines.some((l) => l.fields?.reason === 'holder process is gone')).toBe(true);
        }
        // The killed writer's temp file is swept and our lock is gone.
        expect(await readdir(temp.path)).toEqual([]);
      } finally {
        await temp.remove();
      }
    },
  );
});

describe('writers contending for one lock', () => {
  it('never expose an empty lock file, and hold it one at a time', async () => {
    const temp = await makeTempDirectory();
    try {
      const lock = join(temp.path, 'x.lock');
      const logger = createRecordingLogger();
      let inside = 0;
      let most = 0;
      let runs = 0;
      // Another process reads the lock file as fast as it can until told to stop.
      const stop = join(temp.path, 'stop');
      const script = `
        const fs = require('node:fs');
        const seen = { empty: 0, records: 0 };
        while (!fs.existsSync(${JSON.stringify(stop)})) {
          let text;
          try { text = fs.readFileSync(${JSON.stringify(lock)}, 'utf8'); } catch { continue; }
          if (text === '') seen.empty += 1;
          else if (typeof JSON.parse(text).pid === 'number') seen.records += 1;
        }
        console.log(JSON.stringify(seen));
      `;
      const observer = startNode('-e', [script]);
      const writer = async (): Promise<void> => {
        for (let round = 0; round < 10; round += 1) {
          await withFileLock(
            lock,
            async () => {
              inside += 1;
              most = Math.max(most, inside);
              await new Promise((resolve) => setTimeout(resolve, 1));
              runs += 1;
              inside -= 1;
            },
            { ...lockOptions(logger), timeoutMs: 30_000 },
          );
        }
      };
      await Promise.all(Array.from({ length: 8 }, writer));
      await writeFile(stop, '');
      const result = await observer.done;
      await unlink(stop);
      const seen = JSON.parse(result.stdout) as { empty: number; records: number };
      expect(runs).toBe(80);
      expect(most).toBe(1);
      expect(seen.empty).toBe(0);
      expect(seen.records).toBeGreaterThan(0);
      expect(logger.lines).toEqual([]);
      expect(await readdir(temp.path)).toEqual([]);
    } finally {
      await temp.remove();
    }
  });
});
