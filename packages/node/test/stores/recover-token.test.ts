import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, createAgentClient, TokenLostError } from '@molecule-ai/agent-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFileTokenStore, recoverToken } from '../../src/stores/index.js';
import { type SimHarness, startSim } from '../sim.js';
import { makeTempDirectory } from './helpers.js';

// Real child processes on a shared two-core machine: generous limits (safety nets, not assertions).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let platform: SimHarness;
let temp: { path: string; remove(): Promise<void> };
beforeAll(async () => {
  platform = await startSim();
});
afterAll(async () => {
  await platform.close();
});
beforeEach(async () => {
  temp = await makeTempDirectory();
});
afterEach(async () => {
  await temp.remove();
});

describe('recoverToken', () => {
  it('after TokenLostError, mints a token with the admin credential into the token file, and register works again', async () => {
    const { id } = await platform.sim.admin.createWorkspace({ external: true });
    const tokenStore = createFileTokenStore({ directory: temp.path });
    const client = createAgentClient({ workspaceId: id, platformUrl: platform.url, tokenStore });
    const lost = await client.register().catch((error: unknown) => error);
    expect(lost).toBeInstanceOf(TokenLostError);
    expect((lost as Error).message).toContain(`/workspaces/${id}/tokens`);

    const recovered = await recoverToken({
      platformUrl: platform.url,
      workspaceId: id,
      adminToken: platform.sim.adminToken,
      directory: temp.path,
    });
    const path = join(temp.path, id, '.auth_token');
    expect(recovered.savedTo).toBe(path);
    expect(await readFile(path, 'utf8')).toBe(recovered.token);
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    const fresh = createAgentClient({ workspaceId: id, platformUrl: platform.url, tokenStore });
    await expect(fresh.register()).resolves.toMatchObject({ issued: false, token: recovered.token });
  });

  it('uses a given client and its token store', async () => {
    const { id } = await platform.sim.admin.createWorkspace({ external: true });
    const tokenStore = createFileTokenStore({ directory: temp.path });
    const client = createAgentClient({ workspaceId: id, platformUrl: platform.url, tokenStore });
    const { token } = await recoverToken({ client, adminToken: platform.sim.adminToken });
    expect(await tokenStore.load(id)).toBe(token);
    await expect(client.pollState()).resolves.toMatchObject({ workspaceId: id });
  });

  it('saves into a given token store', async () => {
    const { id } = await platform.sim.admin.createWorkspace({ external: true });
    const tokenStore = createFileTokenStore({ directory: join(temp.path, 'elsewhere') });
    const { token, savedTo } = await recoverToken({
      platformUrl: platform.url,
      workspaceId: id,
      adminToken: platform.sim.adminToken,
      tokenStore,
    });
    expect(savedTo).toBe(tokenStore.describe(id));
    expect(await tokenStore.load(id)).toBe(token);
  });

  it('needs a workspace id and a platform URL when no client is given', async () => {
    await expect(recoverToken({ adminToken: 'a', platformUrl: platform.url })).rejects.toBeInstanceOf(
      ConfigError,
    );
    await expect(recoverToken({ adminToken: 'a', workspaceId: 'w' })).rejects.toBeInstanceOf(ConfigError);
  });
});
