import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createKvCursorStore, createTickCursorBuffer, type KvNamespaceLike } from '../../src/index.js';

/** The real CURSORS namespace, with its writes counted. */
function countingKv(): { kv: KvNamespaceLike; writes: string[] } {
  const writes: string[] = [];
  return {
    writes,
    kv: {
      get: (key) => env.CURSORS.get(key),
      put: (key, value) => {
        writes.push(`put ${key}`);
        return env.CURSORS.put(key, value);
      },
      delete: (key) => {
        writes.push(`delete ${key}`);
        return env.CURSORS.delete(key);
      },
    },
  };
}

describe('createTickCursorBuffer over the KV cursor store', () => {
  it('turns many saves in one tick into one KV write at flush', async () => {
    const { kv, writes } = countingKv();
    const buffer = createTickCursorBuffer(createKvCursorStore(kv, { prefix: 'b1/' }));
    expect(await buffer.load('ws')).toBeNull();
    await buffer.save('ws', { cursor: '1', seen: ['1'] });
    await buffer.save('ws', { cursor: '2', seen: ['1', '2'] });
    await buffer.save('ws', { cursor: '3', seen: ['1', '2', '3'] });
    expect(await buffer.load('ws')).toEqual({ cursor: '3', seen: ['1', '2', '3'] });
    expect(writes).toEqual([]);
    expect(await buffer.flush()).toBe(1);
    expect(writes).toEqual(['put b1/ws']);
    expect(await createKvCursorStore(env.CURSORS, { prefix: 'b1/' }).load('ws')).toEqual({
      cursor: '3',
      seen: ['1', '2', '3'],
    });
  });

  it('writes nothing when the state did not change', async () => {
    await createKvCursorStore(env.CURSORS, { prefix: 'b2/' }).save('ws', { cursor: 'x', seen: ['x'] });
    const { kv, writes } = countingKv();
    const buffer = createTickCursorBuffer(createKvCursorStore(kv, { prefix: 'b2/' }));
    const state = await buffer.load('ws');
    await buffer.save('ws', { cursor: 'x', seen: ['x'] });
    expect(state).toEqual({ cursor: 'x', seen: ['x'] });
    expect(await buffer.flush()).toBe(0);
    expect(writes).toEqual([]);
  });

  it('flushes a clear as one delete, and a second flush writes nothing', async () => {
    await createKvCursorStore(env.CURSORS, { prefix: 'b3/' }).save('ws', { cursor: 'x', seen: [] });
    const { kv, writes } = countingKv();
    const buffer = createTickCursorBuffer(createKvCursorStore(kv, { prefix: 'b3/' }));
    await buffer.clear('ws');
    expect(await buffer.load('ws')).toBeNull();
    expect(await buffer.flush()).toBe(1);
    expect(await buffer.flush()).toBe(0);
    expect(writes).toEqual(['delete b3/ws']);
    expect(await env.CURSORS.get('b3/ws')).toBeNull();
  });

  it('hands out copies, so a caller mutating a loaded state does not change the buffer', async () => {
    const buffer = createTickCursorBuffer(createKvCursorStore(env.CURSORS, { prefix: 'b4/' }));
    await buffer.save('ws', { cursor: 'a', seen: ['a'] });
    const loaded = await buffer.load('ws');
    loaded?.seen.push('mutated');
    expect(await buffer.load('ws')).toEqual({ cursor: 'a', seen: ['a'] });
  });
});
