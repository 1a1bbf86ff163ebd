import { realpathSync } from 'node:fs';
import { testPluginSink, testProcessRunner } from '@molecule-ai/agent-core/testing';
import { afterAll, describe, it } from 'vitest';
import { createFsPluginSink } from '../../src/plugins/fs-plugin-sink.js';
import { createProcessRunner } from '../../src/plugins/process-runner.js';
import { makeTempDir, readTree } from './helpers.js';

const removals: (() => void)[] = [];
afterAll(() => {
  for (const remove of removals) remove();
});
function freshDir(): string {
  const { dir, remove } = makeTempDir('plugin-contract-');
  removals.push(remove);
  return realpathSync(dir);
}

describe('createFsPluginSink', () => {
  testPluginSink({ describe, it }, async () => ({
    sink: createFsPluginSink({ pluginsDir: freshDir() }),
    async readTree(path) {
      return Object.fromEntries(Object.entries(readTree(path)).filter(([, value]) => value !== '<dir>'));
    },
  }));
});

describe('createProcessRunner', () => {
  testProcessRunner({ describe, it }, async () => ({
    runner: createProcessRunner({ killGraceMs: 300 }),
    cwd: freshDir(),
    path: process.env.PATH ?? '/usr/bin:/bin',
  }));
});
