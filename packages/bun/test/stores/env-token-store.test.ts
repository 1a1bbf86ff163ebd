import { afterEach, beforeEach, describe, expect, it } from 'bun:test';
import { readdir } from 'node:fs/promises';
import { createEnvTokenStore, createFileTokenStore, WORKSPACE_TOKEN_ENV } from '../../src/index.js';
import { makeTempDirectory } from '../helpers/temp-directory.js';

const WS = 'ws-bun-env';
let temp: { path: string; remove(): Promise<void> };

beforeEach(async () => {
  temp = await makeTempDirectory();
});
afterEach(async () => {
  await temp.remove();
});

describe('createEnvTokenStore under Bun', () => {
  it("reads the token from Bun's process.env and never writes it to disk", async () => {
    const previous = process.env[WORKSPACE_TOKEN_ENV];
    process.env[WORKSPACE_TOKEN_ENV] = ' env-token \n';
    try {
      const fallback = createFileTokenStore({ directory: temp.path });
      const store = createEnvTokenStore({ fallback });
      expect(store.name).toBe('env+file');
      expect(await store.load(WS)).toBe('env-token');
      expect(store.describe?.(WS)).toBe(`the ${WORKSPACE_TOKEN_ENV} environment variable`);
      await store.save(WS, 'env-token');
      expect(await readdir(temp.path)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env[WORKSPACE_TOKEN_ENV];
      else process.env[WORKSPACE_TOKEN_ENV] = previous;
    }
  });

  it('hands a newly minted token to the fallback store and uses it from then on', async () => {
    const fallback = createFileTokenStore({ directory: temp.path });
    const store = createEnvTokenStore({ env: { [WORKSPACE_TOKEN_ENV]: 'dead-token' }, fallback });
    await store.save(WS, 'fresh-token');
    expect(await store.load(WS)).toBe('fresh-token');
    expect(await fallback.load(WS)).toBe('fresh-token');
    await store.clear(WS);
    expect(await store.load(WS)).toBeNull();
  });
});
