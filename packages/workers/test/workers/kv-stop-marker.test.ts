import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createKvStopMarker, DEFAULT_STOP_PREFIX } from '../../src/index.js';

describe('createKvStopMarker (workerd KV)', () => {
  it('is absent until saved, then survives into a fresh marker, then clears', async () => {
    const marker = createKvStopMarker(env.TOKENS);
    expect(await marker.load('ws-1')).toBeNull();
    await marker.save('ws-1', { reason: 'deleted', atMs: 1_700_000_000_000 });
    expect(await createKvStopMarker(env.TOKENS).load('ws-1')).toEqual({
      reason: 'deleted',
      atMs: 1_700_000_000_000,
    });
    expect(await env.TOKENS.get(`${DEFAULT_STOP_PREFIX}ws-1`)).not.toBeNull();
    await marker.clear('ws-1');
    expect(await marker.load('ws-1')).toBeNull();
  });

  it('reads a damaged value as stopped for an unknown reason, never as running', async () => {
    await env.TOKENS.put(`${DEFAULT_STOP_PREFIX}ws-2`, 'garbage');
    await env.TOKENS.put(`${DEFAULT_STOP_PREFIX}ws-3`, '{"reason":5}');
    const marker = createKvStopMarker(env.TOKENS);
    expect(await marker.load('ws-2')).toEqual({ reason: 'unknown', atMs: 0 });
    expect(await marker.load('ws-3')).toEqual({ reason: 'unknown', atMs: 0 });
  });

  it('uses its prefix', async () => {
    await createKvStopMarker(env.TOKENS, { prefix: 's/' }).save('ws-4', { reason: 'paused', atMs: 1 });
    expect(await env.TOKENS.get('s/ws-4')).toBe('{"reason":"paused","atMs":1}');
    expect(await createKvStopMarker(env.TOKENS).load('ws-4')).toBeNull();
  });
});
