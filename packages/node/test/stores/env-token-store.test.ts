import { readdir } from 'node:fs/promises';
import { ConfigError } from '@molecule-ai/agent-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEnvTokenStore, createFileTokenStore, WORKSPACE_TOKEN_ENV } from '../../src/stores/index.js';
import { makeTempDirectory } from './helpers.js';

const WS = 'ws-env-1';
let temp: { path: string; remove(): Promise<void> };

beforeEach(async () => {
  temp = await makeTempDirectory();
});
afterEach(async () => {
  await temp.remove();
});

describe('createEnvTokenStore', () => {
  it('the MOLECULE_WORKSPACE_TOKEN value wins over a saved file', async () => {
    const file = createFileTokenStore({ directory: temp.path });
    await file.save(WS, 'from-file');
    const store = createEnvTokenStore({ env: { [WORKSPACE_TOKEN_ENV]: ' from-env \n' }, fallback: file });
    expect(await store.load(WS)).toBe('from-env');
  });

  it('never writes the env token to disk (the Python CLI persisted a --token it was given)', async () => {
    const file = createFileTokenStore({ directory: temp.path });
    const store = createEnvTokenStore({ env: { [WORKSPACE_TOKEN_ENV]: 'env-secret' }, fallback: file });
    // What a client does after register confirms the token: save it back.
    await store.save(WS, 'env-secret');
    expect(await readdir(temp.path)).toEqual([]);
    expect(await file.load(WS)).toBeNull();
    expect(await store.load(WS)).toBe('env-secret');
  });

  it('an explicit token option wins over the environment and is not written either', async () => {
    const file = createFileTokenStore({ directory: temp.path });
    const store = createEnvTokenStore({
      token: 'from-option',
      env: { [WORKSPACE_TOKEN_ENV]: 'from-env' },
      fallback: file,
    });
    expect(await store.load(WS)).toBe('from-option');
    await store.save(WS, 'from-option');
    expect(await readdir(temp.path)).toEqual([]);
    expect(store.describe?.(WS)).toBe('the token option');
  });

  it('persists a different, newly minted token so it is not lost, and uses it from then on', async () => {
    const file = createFileTokenStore({ directory: temp.path });
    const store = createEnvTokenStore({ env: { [WORKSPACE_TOKEN_ENV]: 'dead-token' }, fallback: file });
    await store.save(WS, 'minted-token');
    expect(await store.load(WS)).toBe('minted-token');
    expect(await file.load(WS)).toBe('minted-token');
  });

  it('falls through to the fallback when no token is supplied', async () => {
    const file = createFileTokenStore({ directory: temp.path });
    await file.save(WS, 'from-file');
    const store = createEnvTokenStore({ env: {}, fallback: file });
    expect(await store.load(WS)).toBe('from-file');
    expect(store.describe?.(WS)).toBe(file.describe(WS));
    expect(store.name).toBe('env+file');
  });

  it('an empty or blank variable counts as not set', async () => {
    const store = createEnvTokenStore({ env: { [WORKSPACE_TOKEN_ENV]: '   ' } });
    expect(await store.load(WS)).toBeNull();
  });

  it('scoped to one workspace, other workspaces behave exactly like the fallback', async () => {
    const file = createFileTokenStore({ directory: temp.path });
    const store = createEnvTokenStore({ token: 'for-ws', workspaceId: WS, fallback: file });
    expect(await store.load(WS)).toBe('for-ws');
    expect(await store.load('other-ws')).toBeNull();
    await store.save('other-ws', 'other-token');
    expect(await file.load('other-ws')).toBe('other-token');
    expect(await store.load('other-ws')).toBe('other-token');
  });

  it('clear forgets the supplied token until the next save, and clears the fallback', async () => {
    const file = createFileTokenStore({ directory: temp.path });
    await file.save(WS, 'from-file');
    const store = createEnvTokenStore({ token: 'supplied', fallback: file });
    await store.clear(WS);
    expect(await store.load(WS)).toBeNull();
    expect(await file.load(WS)).toBeNull();
    await store.save(WS, 'supplied');
    expect(await store.load(WS)).toBe('supplied');
  });

  it('refuses to save an empty token', async () => {
    const store = createEnvTokenStore({ env: {} });
    await expect(store.save(WS, ' ')).rejects.toBeInstanceOf(ConfigError);
  });

  it('without a fallback it keeps saved tokens in memory only', async () => {
    const store = createEnvTokenStore({ env: {} });
    await store.save(WS, 'mem');
    expect(await store.load(WS)).toBe('mem');
    expect(store.describe?.(WS)).toBe('memory');
    expect(store.name).toBe('env');
  });

  it('describe names the variable, never the token', () => {
    const store = createEnvTokenStore({ env: { [WORKSPACE_TOKEN_ENV]: 'shh' } });
    expect(store.describe?.(WS)).toBe('the MOLECULE_WORKSPACE_TOKEN environment variable');
  });
});
