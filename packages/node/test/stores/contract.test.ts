import { testCursorStore, testTokenStore } from '@molecule-ai/agent-core/testing';
import { afterAll, describe, it } from 'vitest';
import { createEnvTokenStore, createFileCursorStore, createFileTokenStore } from '../../src/stores/index.js';
import { makeTempDirectory } from './helpers.js';

// Every store gets its own fresh directory; all are removed at the end.
const directories: { path: string; remove(): Promise<void> }[] = [];
async function freshDirectory(): Promise<string> {
  const dir = await makeTempDirectory('molecule-contract-');
  directories.push(dir);
  return dir.path;
}
afterAll(async () => {
  await Promise.all(directories.map((dir) => dir.remove()));
});

describe('createFileTokenStore', () => {
  const where = new WeakMap<object, string>();
  testTokenStore(
    { describe, it },
    async () => {
      const directory = await freshDirectory();
      const store = createFileTokenStore({ directory });
      where.set(store, directory);
      return store;
    },
    { reopen: (store) => createFileTokenStore({ directory: where.get(store) as string }) },
  );
});

describe('createEnvTokenStore over a file store (the supplied token belongs to another workspace)', () => {
  const where = new WeakMap<object, string>();
  const make = (directory: string) =>
    createEnvTokenStore({
      token: 'supplied-token-for-another-workspace',
      workspaceId: 'some-other-workspace',
      fallback: createFileTokenStore({ directory }),
    });
  testTokenStore(
    { describe, it },
    async () => {
      const directory = await freshDirectory();
      const store = make(directory);
      where.set(store, directory);
      return store;
    },
    { reopen: (store) => make(where.get(store) as string) },
  );
});

describe('createEnvTokenStore without a fallback and without a supplied token (memory)', () => {
  testTokenStore({ describe, it }, () => createEnvTokenStore({ env: {} }));
});

describe('createFileCursorStore', () => {
  const where = new WeakMap<object, string>();
  testCursorStore(
    { describe, it },
    async () => {
      const directory = await freshDirectory();
      const store = createFileCursorStore({ directory });
      where.set(store, directory);
      return store;
    },
    { reopen: (store) => createFileCursorStore({ directory: where.get(store) as string }) },
  );
});
