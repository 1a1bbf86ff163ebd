import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createKvTokenStore, DEFAULT_TOKEN_PREFIX } from '../../src/index.js';

const TOKEN = 'tok_' + 'a'.repeat(39);

describe('createKvTokenStore (workerd KV)', () => {
  it('loads null when nothing is saved', async () => {
    const store = createKvTokenStore(env.TOKENS);
    expect(await store.load('ws-absent')).toBeNull();
  });

  it('saves under <prefix><workspaceId> with no expiration and loads it back from a fresh store', async () => {
    await createKvTokenStore(env.TOKENS).save('ws-1', TOKEN);
    const raw = await env.TOKENS.getWithMetadata(`${DEFAULT_TOKEN_PREFIX}ws-1`);
    expect(raw.value).toBe(TOKEN);
    const listed = await env.TOKENS.list({ prefix: `${DEFAULT_TOKEN_PREFIX}ws-1` });
    expect(listed.keys).toEqual([{ name: `${DEFAULT_TOKEN_PREFIX}ws-1` }]); // no `expiration` field
    expect(await createKvTokenStore(env.TOKENS).load('ws-1')).toBe(TOKEN);
  });

  it('replaces an earlier token', async () => {
    const store = createKvTokenStore(env.TOKENS);
    await store.save('ws-2', 'first-token');
    await store.save('ws-2', 'second-token');
    expect(await store.load('ws-2')).toBe('second-token');
  });

  it('clears, idempotently', async () => {
    const store = createKvTokenStore(env.TOKENS);
    await store.save('ws-3', TOKEN);
    await store.clear('ws-3');
    await store.clear('ws-3');
    expect(await store.load('ws-3')).toBeNull();
    expect(await env.TOKENS.get(`${DEFAULT_TOKEN_PREFIX}ws-3`)).toBeNull();
  });

  it('keeps stores with different prefixes apart in one namespace', async () => {
    const a = createKvTokenStore(env.TOKENS, { prefix: 'agent-a/' });
    const b = createKvTokenStore(env.TOKENS, { prefix: 'agent-b/' });
    await a.save('ws-4', 'token-a');
    await b.save('ws-4', 'token-b');
    expect(await a.load('ws-4')).toBe('token-a');
    expect(await b.load('ws-4')).toBe('token-b');
    expect(await env.TOKENS.get('agent-a/ws-4')).toBe('token-a');
    await a.clear('ws-4');
    expect(await b.load('ws-4')).toBe('token-b');
  });

  it('treats a blank value written by hand as no token, and trims a pasted one', async () => {
    const store = createKvTokenStore(env.TOKENS);
    await env.TOKENS.put(`${DEFAULT_TOKEN_PREFIX}ws-5`, '  \n');
    expect(await store.load('ws-5')).toBeNull();
    await env.TOKENS.put(`${DEFAULT_TOKEN_PREFIX}ws-6`, ` ${TOKEN}\n`);
    expect(await store.load('ws-6')).toBe(TOKEN);
  });

  it('describes where the token lives without showing it', async () => {
    const store = createKvTokenStore(env.TOKENS, { prefix: 'p:' });
    await store.save('ws-7', TOKEN);
    expect(store.name).toBe('kv');
    expect(store.describe?.('ws-7')).toBe('the KV key "p:ws-7"');
    expect(store.describe?.('ws-7')).not.toContain(TOKEN);
  });
});
