// Durability before the swap: one syncfs (`sync -f`) of the staging folder's file system on Linux,
// and a per-file fsync fallback when `sync -f` cannot run. Checked with a `sync` shim on PATH that
// records its arguments (and then fails or calls the real one).
import { chmodSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { installPluginArchive } from '@molecule-ai/agent-core/plugins';
import { buildTestTar } from '@molecule-ai/agent-core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsPluginSink } from '../../src/plugins/fs-plugin-sink.js';
import { bytesStream, makeTempDir, readTree } from './helpers.js';

let root: { dir: string; remove: () => void };
let savedPath: string | undefined;
beforeEach(() => {
  root = makeTempDir('durable-');
  savedPath = process.env.PATH;
});
afterEach(() => {
  process.env.PATH = savedPath;
  root.remove();
});

/** Puts a `sync` in front of PATH that logs `$@` and then exits with `exitCode` (0 = runs the real sync). */
function shimSync(exitCode: number): string {
  const bin = join(root.dir, 'bin');
  const log = join(root.dir, 'sync.log');
  writeTreeFile(
    join(bin, 'sync'),
    `#!/bin/sh\necho "$@" >> "${log}"\n${exitCode === 0 ? 'exec /usr/bin/sync "$@"' : `exit ${exitCode}`}\n`,
  );
  process.env.PATH = `${bin}:${savedPath}`;
  return log;
}

function writeTreeFile(path: string, content: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  chmodSync(path, 0o755);
}

const archive = () =>
  bytesStream(
    gzipSync(
      buildTestTar(
        Array.from({ length: 30 }, (_, i) => ({ name: `dir${i % 3}/f${i}.txt`, content: `file ${i}` })),
      ),
    ),
  );

describe.runIf(process.platform === 'linux')('fs sink durability (Linux)', () => {
  it('runs one syncfs of the staging folder before the swap', async () => {
    const log = shimSync(0);
    const pluginsDir = join(realpathSync(root.dir), 'plugins');
    await installPluginArchive(archive(), {
      name: 'demo',
      sink: createFsPluginSink({ pluginsDir }),
      runSetup: false,
    });
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(new RegExp(`^-f ${pluginsDir}/\\.staging-demo-[0-9a-f]{8}$`));
    expect(readTree(join(pluginsDir, 'demo'))['dir0/f0.txt']).toBe('file 0');
  });

  it('falls back to fsyncing every file when sync -f fails, and still installs', async () => {
    const log = shimSync(1);
    const pluginsDir = join(realpathSync(root.dir), 'plugins');
    const result = await installPluginArchive(archive(), {
      name: 'demo',
      sink: createFsPluginSink({ pluginsDir }),
      runSetup: false,
    });
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(result.files).toBe(30);
    expect(Object.keys(readTree(join(pluginsDir, 'demo'))).filter((p) => p.endsWith('.txt'))).toHaveLength(
      30,
    );
  });

  it('does not sync at all when durable is false', async () => {
    const log = shimSync(0);
    const pluginsDir = join(realpathSync(root.dir), 'plugins');
    await installPluginArchive(archive(), {
      name: 'demo',
      sink: createFsPluginSink({ pluginsDir, durable: false }),
      runSetup: false,
    });
    expect(() => readFileSync(log, 'utf8')).toThrow();
  });
});
