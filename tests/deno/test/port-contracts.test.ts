/**
 * The port contract suites of `@molecule-ai/agent-core/testing`, run by `deno test` against the
 * core's in-memory ports and against the Node package's file stores, file-system plugin sink and
 * process runner, which Deno runs through its Node compatibility layer.
 */
import { realpathSync } from 'node:fs';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMemoryCursorStore,
  createMemoryPluginSink,
  createMemoryTokenStore,
  testCursorStore,
  testPluginSink,
  testProcessRunner,
  testTokenStore,
} from '@molecule-ai/agent-core/testing';
import {
  createFileCursorStore,
  createFileTokenStore,
  createFsPluginSink,
  createProcessRunner,
} from '@molecule-ai/agent-node';
import { denoTestApi } from './deno-test-api.ts';

const directories: string[] = [];
async function freshDirectory(): Promise<string> {
  const directory = realpathSync(await mkdtemp(join(tmpdir(), 'molecule-deno-')));
  directories.push(directory);
  return directory;
}
// An unload listener cannot await, hence the synchronous removal.
globalThis.addEventListener('unload', () => {
  for (const directory of directories) Deno.removeSync(directory, { recursive: true });
});

async function readFiles(root: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(join(root, prefix))).sort()) {
    const relative = prefix ? `${prefix}/${name}` : name;
    const info = await stat(join(root, relative));
    if (info.isDirectory()) Object.assign(out, await readFiles(root, relative));
    else out[relative] = await readFile(join(root, relative), 'utf8');
  }
  return out;
}

testTokenStore(denoTestApi('memory'), () => createMemoryTokenStore());
testCursorStore(denoTestApi('memory'), () => createMemoryCursorStore());
testPluginSink(denoTestApi('memory'), async () => {
  const sink = createMemoryPluginSink();
  return {
    sink,
    async readTree(path) {
      const out: Record<string, string> = {};
      for (const [file, node] of sink.installed(path.replace('memory://plugins/', '')) ?? []) {
        if (node.kind === 'file') out[file] = new TextDecoder().decode(node.data);
      }
      return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
    },
  };
});

const tokenDirectories = new WeakMap<object, string>();
testTokenStore(
  denoTestApi('agent-node file store'),
  async () => {
    const directory = await freshDirectory();
    const store = createFileTokenStore({ directory });
    tokenDirectories.set(store, directory);
    return store;
  },
  { reopen: (store) => createFileTokenStore({ directory: tokenDirectories.get(store) as string }) },
);

const cursorDirectories = new WeakMap<object, string>();
testCursorStore(
  denoTestApi('agent-node file store'),
  async () => {
    const directory = await freshDirectory();
    const store = createFileCursorStore({ directory });
    cursorDirectories.set(store, directory);
    return store;
  },
  { reopen: (store) => createFileCursorStore({ directory: cursorDirectories.get(store) as string }) },
);

testPluginSink(denoTestApi('agent-node fs sink'), async () => ({
  sink: createFsPluginSink({ pluginsDir: await freshDirectory() }),
  readTree: (path) => readFiles(path),
}));

testProcessRunner(denoTestApi('agent-node process runner'), async () => ({
  runner: createProcessRunner({ killGraceMs: 300 }),
  cwd: await freshDirectory(),
  path: Deno.env.get('PATH') ?? '/usr/bin:/bin',
}));
