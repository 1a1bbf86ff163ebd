import { describe, expect, it } from 'vitest';
import type { CursorStore } from '../src/ports/cursor-store.js';
import type { TokenStore } from '../src/ports/token-store.js';
import {
  ContractAssertionError,
  createMemoryCursorStore,
  createMemoryTokenStore,
  type TestApi,
  testCursorStore,
  testTokenStore,
} from '../src/testing/index.js';

// The same suites the Node, Bun and Workers stores run, here against the in-memory stores.
testTokenStore({ describe, it }, () => createMemoryTokenStore());
testCursorStore({ describe, it }, () => createMemoryCursorStore());

/** Collects a suite's cases and runs them, returning the names of the failing ones. */
async function failingCases(register: (api: TestApi) => void): Promise<string[]> {
  const cases: [string, () => Promise<void> | void][] = [];
  register({ describe: (_name, fn) => fn(), it: (name, fn) => cases.push([name, fn]) });
  const failed: string[] = [];
  for (const [name, fn] of cases) {
    try {
      await fn();
    } catch (error) {
      expect(error).toBeInstanceOf(ContractAssertionError);
      failed.push(name);
    }
  }
  return failed;
}

describe('the contract suites catch broken stores', () => {
  it('a token store that answers "" for absent and ignores clear fails', async () => {
    const tokens = new Map<string, string>();
    const broken: TokenStore = {
      name: 'broken',
      load: async (id) => tokens.get(id) ?? ('' as unknown as null),
      save: async (id, token) => void tokens.set(id, token),
      clear: async () => {},
      describe: (id) => `${id}:${tokens.get(id)}`,
    };
    const failed = await failingCases((api) => testTokenStore(api, () => broken));
    expect(failed).toContain('load resolves null for a workspace that has no token');
    expect(failed).toContain('clear forgets the token');
    expect(failed).toContain('describe(), when present, names the place but never contains the token');
  });
  it('a cursor store that keeps references and drops seen ids fails', async () => {
    const states = new Map<string, { cursor: string | null; seen: string[] }>();
    const broken: CursorStore = {
      name: 'broken',
      load: async (id) => states.get(id) ?? null,
      save: async (id, state) =>
        void states.set(id, { cursor: state.cursor, seen: state.seen.slice(0, 1000) }),
      clear: async (id) => void states.delete(id),
    };
    const failed = await failingCases((api) => testCursorStore(api, () => broken));
    expect(failed).toContain('keeps 2,000 seen ids in order');
    expect(failed).toContain('stores a snapshot: changing the saved or loaded object later changes nothing');
  });
  it('the persistence case runs only when reopen is given, and passes for a store reopened over the same data', async () => {
    const withoutReopen: string[] = [];
    testTokenStore({ describe: (_n, fn) => fn(), it: (name) => withoutReopen.push(name) }, () =>
      createMemoryTokenStore(),
    );
    expect(withoutReopen.some((name) => name.includes('reopened'))).toBe(false);
    const failed = await failingCases((api) =>
      testTokenStore(api, () => createMemoryTokenStore(), {
        reopen: (store) => createMemoryTokenStore(store.snapshot()),
      }),
    );
    expect(failed).toEqual([]);
  });
});
