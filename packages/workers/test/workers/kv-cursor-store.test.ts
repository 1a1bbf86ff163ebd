import { env } from 'cloudflare:test';
import { InvalidResponseError } from '@molecule-ai/agent-core';
import { describe, expect, it } from 'vitest';
import { createKvCursorStore, DEFAULT_CURSOR_PREFIX } from '../../src/index.js';

describe('createKvCursorStore (workerd KV)', () => {
  it('loads null when nothing is saved', async () => {
    expect(await createKvCursorStore(env.CURSORS).load('ws-absent')).toBeNull();
  });

  it('round-trips cursor and seen ids through KV, visible to a fresh store', async () => {
    const state = { cursor: 'row-9', seen: ['row-7', 'row-8', 'row-9'] };
    await createKvCursorStore(env.CURSORS).save('ws-1', state);
    expect(await createKvCursorStore(env.CURSORS).load('ws-1')).toEqual(state);
    expect(JSON.parse((await env.CURSORS.get(`${DEFAULT_CURSOR_PREFIX}ws-1`)) ?? '')).toEqual({
      v: 1,
      ...state,
    });
  });

  it('keeps a null cursor and an empty seen list', async () => {
    const store = createKvCursorStore(env.CURSORS);
    await store.save('ws-2', { cursor: null, seen: [] });
    expect(await store.load('ws-2')).toEqual({ cursor: null, seen: [] });
  });

  it('does not share the caller’s array', async () => {
    const store = createKvCursorStore(env.CURSORS);
    const seen = ['a'];
    await store.save('ws-3', { cursor: 'a', seen });
    seen.push('b');
    expect((await store.load('ws-3'))?.seen).toEqual(['a']);
  });

  it('clears, idempotently', async () => {
    const store = createKvCursorStore(env.CURSORS);
    await store.save('ws-4', { cursor: 'x', seen: ['x'] });
    await store.clear('ws-4');
    await store.clear('ws-4');
    expect(await store.load('ws-4')).toBeNull();
  });

  it('uses its prefix', async () => {
    const store = createKvCursorStore(env.CURSORS, { prefix: 'bot/' });
    await store.save('ws-5', { cursor: 'c', seen: ['c'] });
    expect(await env.CURSORS.get('bot/ws-5')).not.toBeNull();
    expect(await createKvCursorStore(env.CURSORS).load('ws-5')).toBeNull();
  });

  it('rejects a value that is not JSON with a typed error', async () => {
    await env.CURSORS.put(`${DEFAULT_CURSOR_PREFIX}ws-6`, 'not json{');
    const error = await createKvCursorStore(env.CURSORS)
      .load('ws-6')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
  });

  it('rejects JSON of the wrong shape and says what is wrong', async () => {
    await env.CURSORS.put(`${DEFAULT_CURSOR_PREFIX}ws-7`, JSON.stringify({ v: 1, cursor: 5, seen: 'x' }));
    const error = await createKvCursorStore(env.CURSORS)
      .load('ws-7')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).issues).toEqual([
      'cursor: expected string or null',
      'seen: expected string[]',
    ]);
  });
});
