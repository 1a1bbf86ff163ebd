import type { CursorState, CursorStore } from '../ports/cursor-store.js';
import { assert, type TestApi } from './harness.js';
import { itHasAName, type StoreContractOptions, WS_A, WS_B } from './store-contract.js';

function ids(n: number, prefix = 'act'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${i.toString().padStart(5, '0')}`);
}

/**
 * The behaviour every {@link CursorStore} must have. Runs under any runner:
 * `testCursorStore({ describe, it }, () => createKvCursorStore(env.KV))`.
 * `makeStore` is called once per test and must return an empty store.
 */
export function testCursorStore<S extends CursorStore>(
  api: TestApi,
  makeStore: () => S | Promise<S>,
  options: StoreContractOptions<S> = {},
): void {
  api.describe('CursorStore contract', () => {
    itHasAName(api, makeStore);

    api.it('load resolves null for a workspace with no saved state', async () => {
      const store = await makeStore();
      assert.equal(await store.load(WS_A), null, 'load of an empty store');
    });

    api.it('load returns exactly what save stored: cursor and seen ids in order', async () => {
      const store = await makeStore();
      const state: CursorState = { cursor: 'act-00002', seen: ['act-00000', 'act-00001', 'act-00002'] };
      await store.save(WS_A, state);
      assert.deepEqual(await store.load(WS_A), state, 'loaded state');
    });

    api.it('a null cursor and an empty seen list round-trip', async () => {
      const store = await makeStore();
      await store.save(WS_A, { cursor: null, seen: [] });
      assert.deepEqual(await store.load(WS_A), { cursor: null, seen: [] }, 'loaded state');
    });

    api.it('save replaces the whole previous state', async () => {
      const store = await makeStore();
      await store.save(WS_A, { cursor: 'a', seen: ['a', 'b', 'c'] });
      await store.save(WS_A, { cursor: 'z', seen: ['z'] });
      assert.deepEqual(await store.load(WS_A), { cursor: 'z', seen: ['z'] }, 'state after the second save');
    });

    api.it('clear forgets the state and is idempotent', async () => {
      const store = await makeStore();
      await store.save(WS_A, { cursor: 'a', seen: ['a'] });
      await store.clear(WS_A);
      await store.clear(WS_A);
      assert.equal(await store.load(WS_A), null, 'load after clear');
    });

    api.it('keeps workspaces apart', async () => {
      const store = await makeStore();
      await store.save(WS_A, { cursor: 'a', seen: ['a'] });
      await store.save(WS_B, { cursor: 'b', seen: ['b'] });
      await store.clear(WS_A);
      assert.equal(await store.load(WS_A), null, 'cleared workspace');
      assert.deepEqual(await store.load(WS_B), { cursor: 'b', seen: ['b'] }, 'other workspace');
    });

    api.it('stores a snapshot: changing the saved or loaded object later changes nothing', async () => {
      const store = await makeStore();
      const state: CursorState = { cursor: 'a', seen: ['a'] };
      await store.save(WS_A, state);
      state.cursor = 'mutated';
      state.seen.push('mutated');
      const loaded = await store.load(WS_A);
      loaded?.seen.push('also-mutated');
      assert.deepEqual(await store.load(WS_A), { cursor: 'a', seen: ['a'] }, 'state after outside mutation');
    });

    api.it('keeps 2,000 seen ids in order', async () => {
      const store = await makeStore();
      const seen = ids(2000);
      await store.save(WS_A, { cursor: seen[seen.length - 1] ?? null, seen });
      const loaded = await store.load(WS_A);
      assert.equal(loaded?.seen.length, 2000, 'number of seen ids');
      assert.deepEqual(loaded?.seen, seen, 'seen ids');
    });

    api.it('keeps ids with non-ASCII and JSON-special characters intact', async () => {
      const store = await makeStore();
      const odd = ['act-"quoted"', 'act-\\back', 'act-日本語', 'act-😀', 'act-\u2028'];
      await store.save(WS_A, { cursor: odd[0] ?? null, seen: odd });
      assert.deepEqual(await store.load(WS_A), { cursor: odd[0], seen: odd }, 'loaded odd ids');
    });

    api.it('concurrent saves leave one complete state', async () => {
      const store = await makeStore();
      const one: CursorState = { cursor: 'one', seen: ids(50, 'one') };
      const two: CursorState = { cursor: 'two', seen: ids(50, 'two') };
      await Promise.all([store.save(WS_A, one), store.save(WS_A, two), store.save(WS_A, one)]);
      const loaded = await store.load(WS_A);
      const same = (a: CursorState | null, b: CursorState): boolean =>
        JSON.stringify(a) === JSON.stringify(b);
      assert.equal(same(loaded, one) || same(loaded, two), true, 'loaded state is one of the saved states');
    });

    const reopen = options.reopen;
    if (reopen) {
      api.it('a reopened store sees saved states and clears (persistence)', async () => {
        const store = await makeStore();
        await store.save(WS_A, { cursor: 'a', seen: ['a'] });
        await store.save(WS_B, { cursor: 'b', seen: ['b'] });
        await store.clear(WS_B);
        const again = await reopen(store);
        assert.deepEqual(await again.load(WS_A), { cursor: 'a', seen: ['a'] }, 'state after reopening');
        assert.equal(await again.load(WS_B), null, 'cleared state after reopening');
      });
    }
  });
}
