import type { TokenStore } from '../ports/token-store.js';
import { assert, type TestApi } from './harness.js';
import { itHasAName, type StoreContractOptions, WS_A, WS_B } from './store-contract.js';

/** Shaped like a platform token: 43 characters of base64url. */
const TOKEN_1 = 'Zx9_-aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ';
const TOKEN_2 = 'Qw8-_eR4tY5uI6oP7aS8dF9gH0jK1lZ2xC3vB4nM5q_';

/**
 * The behaviour every {@link TokenStore} must have. Runs under any runner:
 * `testTokenStore({ describe, it }, () => createFileTokenStore({ dir: tmp() }))`.
 * `makeStore` is called once per test and must return an empty store.
 */
export function testTokenStore<S extends TokenStore>(
  api: TestApi,
  makeStore: () => S | Promise<S>,
  options: StoreContractOptions<S> = {},
): void {
  api.describe('TokenStore contract', () => {
    itHasAName(api, makeStore);

    api.it('load resolves null for a workspace that has no token', async () => {
      const store = await makeStore();
      assert.equal(await store.load(WS_A), null, 'load of an empty store');
    });

    api.it('load returns exactly what save stored', async () => {
      const store = await makeStore();
      await store.save(WS_A, TOKEN_1);
      assert.equal(await store.load(WS_A), TOKEN_1, 'loaded token');
    });

    api.it('save replaces the previous token', async () => {
      const store = await makeStore();
      await store.save(WS_A, TOKEN_1);
      await store.save(WS_A, TOKEN_2);
      assert.equal(await store.load(WS_A), TOKEN_2, 'token after the second save');
    });

    api.it('clear forgets the token', async () => {
      const store = await makeStore();
      await store.save(WS_A, TOKEN_1);
      await store.clear(WS_A);
      assert.equal(await store.load(WS_A), null, 'load after clear');
    });

    api.it('clear is idempotent and harmless for an unknown workspace', async () => {
      const store = await makeStore();
      await store.clear(WS_A);
      await store.clear(WS_A);
      assert.equal(await store.load(WS_A), null, 'load after two clears');
    });

    api.it('keeps workspaces apart', async () => {
      const store = await makeStore();
      await store.save(WS_A, TOKEN_1);
      await store.save(WS_B, TOKEN_2);
      await store.clear(WS_A);
      assert.equal(await store.load(WS_A), null, 'cleared workspace');
      assert.equal(await store.load(WS_B), TOKEN_2, 'other workspace');
    });

    api.it('concurrent saves leave one complete token, never a mix or an empty one', async () => {
      const store = await makeStore();
      await Promise.all([store.save(WS_A, TOKEN_1), store.save(WS_A, TOKEN_2), store.save(WS_A, TOKEN_1)]);
      const loaded = await store.load(WS_A);
      assert.equal(
        loaded === TOKEN_1 || loaded === TOKEN_2,
        true,
        `one of the saved tokens (got ${loaded?.length ?? 'null'} chars)`,
      );
    });

    api.it('describe(), when present, names the place but never contains the token', async () => {
      const store = await makeStore();
      await store.save(WS_A, TOKEN_1);
      const description = store.describe?.(WS_A) ?? '';
      assert.equal(typeof description, 'string', 'description type');
      assert.equal(description.includes(TOKEN_1), false, 'description contains the token');
    });

    const reopen = options.reopen;
    if (reopen) {
      api.it('a reopened store sees saved tokens and clears (persistence)', async () => {
        const store = await makeStore();
        await store.save(WS_A, TOKEN_1);
        await store.save(WS_B, TOKEN_2);
        await store.clear(WS_B);
        const again = await reopen(store);
        assert.equal(await again.load(WS_A), TOKEN_1, 'token after reopening');
        assert.equal(await again.load(WS_B), null, 'cleared token after reopening');
      });
    }
  });
}
