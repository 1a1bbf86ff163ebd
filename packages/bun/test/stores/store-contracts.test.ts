import { afterAll, describe, it } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CursorStore, TokenStore } from '@molecule-ai/agent-core';
import { testCursorStore, testTokenStore } from '@molecule-ai/agent-core/testing';
import { createEnvTokenStore, createFileCursorStore, createFileTokenStore } from '../../src/index.js';

// The core's store contracts, run in the real Bun runtime against the stores this package exports.
const root = mkdtempSync(join(tmpdir(), 'molecule-bun-contracts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const directories = new WeakMap<object, string>();
function remember<S extends object>(store: S, directory: string): S {
  directories.set(store, directory);
  return store;
}
const freshDirectory = (): string => mkdtempSync(join(root, 'store-'));

describe('createFileTokenStore', () => {
  testTokenStore(
    { describe, it },
    () => {
      const directory = freshDirectory();
      return remember(createFileTokenStore({ directory }), directory);
    },
    { reopen: (store) => createFileTokenStore({ directory: directories.get(store)! }) },
  );
});

describe('createEnvTokenStore over a file store (no token in the environment)', () => {
  testTokenStore(
    { describe, it },
    (): TokenStore => {
      const directory = freshDirectory();
      return remember(
        createEnvTokenStore({ env: {}, fallback: createFileTokenStore({ directory }) }),
        directory,
      );
    },
    {
      reopen: (store) =>
        createEnvTokenStore({
          env: {},
          fallback: createFileTokenStore({ directory: directories.get(store)! }),
        }),
    },
  );
});

describe('createEnvTokenStore alone (in memory)', () => {
  testTokenStore({ describe, it }, () => createEnvTokenStore({ env: {} }));
});

describe('createFileCursorStore', () => {
  testCursorStore(
    { describe, it },
    (): CursorStore => {
      const directory = freshDirectory();
      return remember(createFileCursorStore({ directory }), directory);
    },
    { reopen: (store) => createFileCursorStore({ directory: directories.get(store)! }) },
  );
});
