import { env } from 'cloudflare:test';
import { testCursorStore, testTokenStore } from '@molecule-ai/agent-core/testing';
import { describe, it } from 'vitest';
import {
  createKvCursorStore,
  createKvTokenStore,
  createTickCursorBuffer,
  type TickCursorBuffer,
} from '../../src/index.js';

// Each store gets its own key prefix, so `makeStore` returns an empty store in a namespace that
// every test of this file shares; `reopen` opens a second store over the same prefix.
let next = 0;
const prefixes = new WeakMap<object, string>();
function withPrefix<S extends object>(make: (prefix: string) => S, prefix = `contract-${next++}:`): S {
  const store = make(prefix);
  prefixes.set(store, prefix);
  return store;
}
const prefixOf = (store: object): string => prefixes.get(store) ?? '';

describe('KV token store (workerd)', () => {
  testTokenStore({ describe, it }, () => withPrefix((prefix) => createKvTokenStore(env.TOKENS, { prefix })), {
    reopen: (store) => withPrefix((prefix) => createKvTokenStore(env.TOKENS, { prefix }), prefixOf(store)),
  });
});

describe('KV cursor store (workerd)', () => {
  testCursorStore(
    { describe, it },
    () => withPrefix((prefix) => createKvCursorStore(env.CURSORS, { prefix })),
    {
      reopen: (store) =>
        withPrefix((prefix) => createKvCursorStore(env.CURSORS, { prefix }), prefixOf(store)),
    },
  );
});

describe('tick cursor buffer over the KV cursor store (workerd)', () => {
  const make = (prefix: string): TickCursorBuffer =>
    createTickCursorBuffer(createKvCursorStore(env.CURSORS, { prefix }));
  testCursorStore({ describe, it }, () => withPrefix(make), {
    // What survives a tick is what its flush wrote.
    reopen: async (store) => {
      await store.flush();
      return withPrefix(make, prefixOf(store));
    },
  });
});
