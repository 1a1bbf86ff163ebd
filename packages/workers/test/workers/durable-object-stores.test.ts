import { env, runInDurableObject } from 'cloudflare:test';
import type { CursorStore, TokenStore } from '@molecule-ai/agent-core';
import { testCursorStore, testTokenStore } from '@molecule-ai/agent-core/testing';
import { describe, expect, it } from 'vitest';
import { createDurableObjectCursorStore, createDurableObjectTokenStore } from '../../src/index.js';

type Stub = DurableObjectStub;

// Storage of a Durable Object can only be used inside that object, so each store method runs in
// the object (runInDurableObject) on a store made from its real `ctx.storage`. One object per
// store; `reopen` is a second store over the same object's storage.
const stubs = new WeakMap<object, Stub>();

function tokenStoreIn(stub: Stub): TokenStore {
  const inObject = <T>(use: (store: TokenStore) => Promise<T>): Promise<T> =>
    runInDurableObject(stub, (_instance, state) => use(createDurableObjectTokenStore(state.storage)));
  const store: TokenStore = {
    name: 'durable-object',
    load: (id) => inObject((s) => s.load(id)),
    save: (id, token) => inObject((s) => s.save(id, token)),
    clear: (id) => inObject((s) => s.clear(id)),
    describe: (id) => createDurableObjectTokenStore({} as never).describe?.(id) ?? '',
  };
  stubs.set(store, stub);
  return store;
}

function cursorStoreIn(stub: Stub): CursorStore {
  const inObject = <T>(use: (store: CursorStore) => Promise<T>): Promise<T> =>
    runInDurableObject(stub, (_instance, state) => use(createDurableObjectCursorStore(state.storage)));
  const store: CursorStore = {
    name: 'durable-object',
    load: (id) => inObject((s) => s.load(id)),
    save: (id, state) => inObject((s) => s.save(id, state)),
    clear: (id) => inObject((s) => s.clear(id)),
  };
  stubs.set(store, stub);
  return store;
}

const freshObject = (): Stub => env.STORES.get(env.STORES.newUniqueId());
const stubOf = (store: object): Stub => {
  const stub = stubs.get(store);
  if (!stub) throw new Error('not a store of this file');
  return stub;
};

describe('Durable Object token store (workerd, DO storage)', () => {
  testTokenStore({ describe, it }, () => tokenStoreIn(freshObject()), {
    reopen: (store) => tokenStoreIn(stubOf(store)),
  });
});

describe('Durable Object cursor store (workerd, DO storage)', () => {
  testCursorStore({ describe, it }, () => cursorStoreIn(freshObject()), {
    reopen: (store) => cursorStoreIn(stubOf(store)),
  });
});

describe('Durable Object stores: layout', () => {
  it('keeps the cursor and the handled ids as one stored value (one put, one transaction)', async () => {
    const stub = freshObject();
    const stored = await runInDurableObject(stub, async (_instance, state) => {
      await createDurableObjectCursorStore(state.storage).save('ws-1', {
        cursor: 'row-2',
        seen: ['row-1', 'row-2'],
      });
      return state.storage.list();
    });
    expect([...stored.entries()]).toEqual([
      ['cursor:ws-1', { v: 1, cursor: 'row-2', seen: ['row-1', 'row-2'] }],
    ]);
  });

  it('rejects a damaged cursor with InvalidResponseError, and reads a blank token as none', async () => {
    const stub = freshObject();
    const outcome = await runInDurableObject(stub, async (_instance, state) => {
      await state.storage.put('cursor:ws-1', { v: 2 });
      await state.storage.put('token:ws-1', '   ');
      const cursor = await createDurableObjectCursorStore(state.storage)
        .load('ws-1')
        .then(
          () => 'loaded',
          (error: Error) => error.name,
        );
      return { cursor, token: await createDurableObjectTokenStore(state.storage).load('ws-1') };
    });
    expect(outcome).toEqual({ cursor: 'InvalidResponseError', token: null });
  });
});
