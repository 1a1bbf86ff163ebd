// Real child processes installing real archives: killed at different moments (the next install must
// find the old or the new version intact and clean up), and two installers racing for one plugin
// (the lock must serialise them, setup.sh included).
import { type ChildProcess, spawn } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { installPluginArchive } from '@molecule-ai/agent-core/plugins';
import { buildTestTar } from '@molecule-ai/agent-core/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFsPluginSink } from '../../src/plugins/fs-plugin-sink.js';
import {
  bytesStream,
  installChildScript,
  listDir,
  listVersions,
  makeTempDir,
  readTree,
  removeInstallChildScript,
  serveBytes,
} from './helpers.js';

interface Child {
  process: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
  waitFor(predicate: (line: Record<string, unknown>) => boolean): Promise<void>;
}

async function startChild(args: string[]): Promise<Child> {
  const script = await installChildScript();
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const waiters: { predicate: (line: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const line = JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>;
      buffered = buffered.slice(newline + 1);
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    lines,
    exited,
    waitFor: (predicate) =>
      new Promise<void>((resolve, reject) => {
        if (lines.some(predicate)) return resolve();
        waiters.push({ predicate, resolve });
        void exited.then(() => reject(new Error(`child exited before the expected line; stderr: ${stderr}`)));
      }),
  };
}

/** A plugin version: many files (so an install takes a while), each naming the version. */
function version(tag: string, files = 300): Record<string, string> {
  const tree: Record<string, string> = { VERSION: tag };
  for (let i = 0; i < files; i++) tree[`dir${i % 10}/file${i}.txt`] = `${tag}:${i}:${'x'.repeat(2000)}`;
  return tree;
}
const archiveOf = (
  tree: Record<string, string>,
  extra: { name: string; content: string; mode?: number }[] = [],
): Uint8Array =>
  gzipSync(buildTestTar([...Object.entries(tree).map(([name, content]) => ({ name, content })), ...extra]));

function filesOnly(tree: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).filter(([, value]) => value !== '<dir>'));
}

let root: { dir: string; remove: () => void };
let pluginsDir: string;
beforeEach(() => {
  root = makeTempDir('crash-');
  pluginsDir = join(realpathSync(root.dir), 'plugins');
});
afterEach(() => root.remove());
beforeAll(async () => {
  await installChildScript();
}, 60_000);
afterAll(() => removeInstallChildScript());

describe('crash safety: an installer killed at any moment', () => {
  const v1 = version('v1');
  const v2 = version('v2');
  let server: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    server = await serveBytes(archiveOf(v2));
  });
  afterAll(async () => {
    await server.close();
  });

  async function installInProcess(tree: Record<string, string>): Promise<void> {
    await installPluginArchive(bytesStream(archiveOf(tree)), {
      name: 'demo',
      sink: createFsPluginSink({ pluginsDir }),
      runSetup: false,
    });
  }

  /** On disk right after the kill: the old or the new version, whole (the swap is one rename of a link). */
  function assertOldOrNewIntact(): void {
    expect(listDir(pluginsDir)).toContain('demo');
    const installed = filesOnly(readTree(join(pluginsDir, 'demo')));
    expect([v1, v2]).toContainEqual(installed);
  }

  const moments: [string, (line: Record<string, unknown>) => boolean][] = [
    ['before the first entry', (line) => line.phase === 'lock'],
    ['after 1 entry', (line) => typeof line.entries === 'number' && line.entries >= 1],
    ['half-way through the entries', (line) => typeof line.entries === 'number' && line.entries >= 150],
    ['while verifying', (line) => line.phase === 'verify'],
    ['while swapping', (line) => line.phase === 'swap'],
    ['after finishing', (line) => line.done === true],
  ];

  it.each(moments)('killed %s: old or new version intact, next install cleans up', async (_label, moment) => {
    await installInProcess(v1);
    const child = await startChild([pluginsDir, 'demo', server.url, '0', '1']);
    await child.waitFor(moment);
    child.process.kill('SIGKILL');
    await child.exited;
    assertOldOrNewIntact();

    const v3 = version('v3', 20);
    await installInProcess(v3);
    expect(filesOnly(readTree(join(pluginsDir, 'demo')))).toEqual(v3);
    expect(listDir(pluginsDir)).toEqual(['demo']);
    // The installed version and at most the one before it (kept for readers still inside it).
    expect(listVersions(pluginsDir, 'demo').length).toBeLessThanOrEqual(2);
  });

  it('leftovers of a crashed install are removed by the next cleanup and nothing is moved into place', async () => {
    await installInProcess(v1);
    const linked = realpathSync(join(pluginsDir, 'demo'));
    // What a process killed during commit can leave: a finished version folder not linked yet, a
    // stray new link, a half-written staging folder, and its lock.
    mkdirSync(join(pluginsDir, '.v-demo-0badc0de'));
    writeFileSync(join(pluginsDir, '.v-demo-0badc0de', 'VERSION'), 'v2');
    symlinkSync('.v-demo-0badc0de', join(pluginsDir, '.link-demo-12345678'));
    mkdirSync(join(pluginsDir, '.staging-demo-12345678', 'half'), { recursive: true });
    writeFileSync(join(pluginsDir, '.staging-demo-12345678', 'half', 'written.txt'), 'partial');
    writeFileSync(
      join(pluginsDir, '.lock-demo'),
      JSON.stringify({ pid: 999_999_999, host: 'gone', nonce: 'x' }),
    );
    const sink = createFsPluginSink({ pluginsDir, staleLockMs: 1 });
    const release = await sink.lock('demo');
    await sink.cleanup('demo');
    await release();
    expect(await sink.installedPath('demo')).toBe(join(pluginsDir, 'demo'));
    expect(realpathSync(join(pluginsDir, 'demo'))).toBe(linked);
    expect(filesOnly(readTree(join(pluginsDir, 'demo')))).toEqual(v1);
    expect(listDir(pluginsDir)).toEqual(['demo']);
    expect(listVersions(pluginsDir, 'demo')).toHaveLength(1);
  });

  it('a plugin folder installed by an older release is replaced by a link on the next install', async () => {
    mkdirSync(join(pluginsDir, 'demo'), { recursive: true });
    writeFileSync(join(pluginsDir, 'demo', 'VERSION'), 'legacy');
    const sink = createFsPluginSink({ pluginsDir });
    expect(await sink.installedPath('demo')).toBe(join(pluginsDir, 'demo'));
    await installInProcess(v1);
    expect(lstatSync(join(pluginsDir, 'demo')).isSymbolicLink()).toBe(true);
    expect(filesOnly(readTree(join(pluginsDir, 'demo')))).toEqual(v1);
    await installInProcess(v2);
    expect(filesOnly(readTree(join(pluginsDir, 'demo')))).toEqual(v2);
    expect(listVersions(pluginsDir, 'demo')).toHaveLength(2);
  });

  it("cleanup removes only this plugin's leftovers, never another plugin's whose name shares a prefix", async () => {
    mkdirSync(join(pluginsDir, '.staging-demo-aaaaaaaa'), { recursive: true });
    mkdirSync(join(pluginsDir, '.staging-demo-extra-bbbbbbbb'), { recursive: true });
    mkdirSync(join(pluginsDir, '.old-demo-extra-cccccccc'), { recursive: true });
    mkdirSync(join(pluginsDir, '.v-demo-extra-dddddddd'), { recursive: true });
    await createFsPluginSink({ pluginsDir }).cleanup('demo');
    expect(listDir(pluginsDir)).toEqual(['.old-demo-extra-cccccccc', '.staging-demo-extra-bbbbbbbb']);
    expect(listVersions(pluginsDir, 'demo-extra')).toEqual(['.v-demo-extra-dddddddd']);
  });
});

describe('two installer processes at once', () => {
  it('are serialised by the lock: one finishes (setup.sh included) before the other starts', async () => {
    const log = join(root.dir, 'setup.log');
    const setup = (tag: string) => ({
      name: 'setup.sh',
      content: `echo "start ${tag}" >> "${log}"\nsleep 0.4\necho "end ${tag}" >> "${log}"\n`,
    });
    const a = version('A', 200);
    const b = version('B', 200);
    const serverA = await serveBytes(archiveOf(a, [setup('A')]));
    const serverB = await serveBytes(archiveOf(b, [setup('B')]));
    try {
      const [first, second] = await Promise.all([
        startChild([pluginsDir, 'demo', serverA.url, '1', '1']),
        startChild([pluginsDir, 'demo', serverB.url, '1', '1']),
      ]);
      expect(await first.exited).toBe(0);
      expect(await second.exited).toBe(0);
      const entries = readFileSync(log, 'utf8').trim().split('\n');
      expect(entries).toHaveLength(4);
      // No interleaving: each start is followed by its own end.
      expect(entries[0]!.replace('start', 'end')).toBe(entries[1]);
      expect(entries[2]!.replace('start', 'end')).toBe(entries[3]);
      expect(entries[0]).not.toBe(entries[2]);
      const winner = entries[3]!.endsWith('A') ? a : b;
      const installed = filesOnly(readTree(join(pluginsDir, 'demo')));
      expect(installed.VERSION).toBe(winner.VERSION);
      expect(Object.keys(installed)).toHaveLength(Object.keys(winner).length + 1); // + setup.sh
      expect(listDir(pluginsDir)).toEqual(['demo']);
      for (const child of [first, second])
        expect(child.lines.at(-1)).toMatchObject({ done: true, setup: { ok: true } });
    } finally {
      await serverA.close();
      await serverB.close();
    }
  }, 30_000);
});
