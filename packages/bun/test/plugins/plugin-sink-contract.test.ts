import { afterAll, describe, it } from 'bun:test';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPluginSink } from '@molecule-ai/agent-core/testing';
import { createFsPluginSink } from '../../src/index.js';
import { readTree } from '../helpers/tree.js';

// The core's PluginSink contract, run in the real Bun runtime against the node:fs sink.
const root = realpathSync(mkdtempSync(join(tmpdir(), 'molecule-bun-sink-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('createFsPluginSink under Bun', () => {
  testPluginSink({ describe, it }, async () => ({
    sink: createFsPluginSink({ pluginsDir: mkdtempSync(join(root, 'plugins-')) }),
    async readTree(path) {
      return Object.fromEntries(Object.entries(readTree(path)).filter(([, value]) => value !== '<dir>'));
    },
  }));
});
