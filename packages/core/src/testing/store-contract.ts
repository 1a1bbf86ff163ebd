import { assert, type TestApi } from './harness.js';

/** Options of the store contracts ({@link testTokenStore}, {@link testCursorStore}). */
export interface StoreContractOptions<S> {
  /**
   * Opens a second store over the same storage as `store` (same folder, same KV namespace), to
   * check that saved data survives a restart. Omit it for stores that are not persistent.
   */
  reopen?: (store: S) => S | Promise<S>;
}

/** Two workspace ids shaped like the platform's, for the keyed store contracts. */
export const WS_A = '3f2b8c1e-5d4a-4b6c-9e8f-0a1b2c3d4e5f';
export const WS_B = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d';

/** The first test of every store contract: the store names itself (logs and `describe` use it). */
export function itHasAName(
  api: TestApi,
  makeStore: () => { name: string } | Promise<{ name: string }>,
): void {
  api.it('has a non-empty name', async () => {
    const store = await makeStore();
    assert.equal(typeof store.name === 'string' && store.name.length > 0, true, 'name is a non-empty string');
  });
}
