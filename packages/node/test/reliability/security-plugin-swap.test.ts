// Attack (on availability): a process reading an installed plugin while it is reinstalled. Before,
// the swap was two renames (old version aside, new one in) and a reader polling in between found
// no plugin at all. Now the plugin is a link to a version folder, replaced with one rename.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { installPluginArchive } from '@molecule-ai/agent-core/plugins';
import { buildTestTar } from '@molecule-ai/agent-core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsPluginSink } from '../../src/plugins/fs-plugin-sink.js';
import { makeTempDir } from './security-helpers.js';

// Polls <plugin>/VERSION as fast as it can until <stop> exists; prints what it saw.
const READER = `
const { readFileSync, existsSync } = require('node:fs');
const [file, stop] = process.argv.slice(1);
const seen = {}; let reads = 0; let missing = 0; const errors = {};
process.stdout.write('ready\\n');
for (let i = 0; ; i++) {
  if (i % 256 === 0 && existsSync(stop)) break;
  try { const v = readFileSync(file, 'utf8'); seen[v] = (seen[v] || 0) + 1; reads++; }
  catch (e) { missing++; errors[e.code] = (errors[e.code] || 0) + 1; }
}
process.stdout.write(JSON.stringify({ reads, missing, seen, errors }) + '\\n');
`;

let temp: { dir: string; remove: () => void };
beforeEach(() => {
  temp = makeTempDir('security-swap-');
});
afterEach(() => temp.remove());

async function install(pluginsDir: string, version: string, files = 200): Promise<void> {
  const entries = [{ name: 'VERSION', content: version }];
  for (let i = 0; i < files; i++) entries.push({ name: `lib/file${i}.txt`, content: `${version}:${i}` });
  await installPluginArchive(new Blob([gzipSync(buildTestTar(entries))]).stream(), {
    name: 'demo',
    sink: createFsPluginSink({ pluginsDir, durable: false }),
    runSetup: false,
  });
}

describe('reinstall while a reader process polls the plugin', () => {
  it('the reader always finds the old or the new version, never nothing', async () => {
    const pluginsDir = join(temp.dir, 'plugins');
    mkdirSync(pluginsDir, { mode: 0o755 });
    await install(pluginsDir, 'v0');
    const stop = join(temp.dir, 'stop');
    const reader = spawn(process.execPath, ['-e', READER, join(pluginsDir, 'demo', 'VERSION'), stop], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    reader.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((done) => reader.once('exit', () => done()));
    try {
      while (!output.includes('ready')) await new Promise((done) => setTimeout(done, 10));
      for (let round = 1; round <= 40; round++) await install(pluginsDir, `v${round}`, 20);
    } finally {
      writeFileSync(stop, '');
      await exited;
    }
    const report = JSON.parse(output.trim().split('\n').at(-1)!) as {
      reads: number;
      missing: number;
      seen: Record<string, number>;
      errors: Record<string, number>;
    };
    expect(report.errors).toEqual({});
    expect(report.missing).toBe(0);
    expect(report.reads).toBeGreaterThan(0);
    expect(Object.keys(report.seen).length).toBeGreaterThan(1);
    expect(readFileSync(join(pluginsDir, 'demo', 'VERSION'), 'utf8')).toBe('v40');
  }, 60_000);
});
