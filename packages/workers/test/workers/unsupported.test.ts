import { env } from 'cloudflare:test';
import { createAgentClient, isMoleculeError, UnsupportedError } from '@molecule-ai/agent-core';
import { installPluginWithPorts as coreInstallPlugin } from '@molecule-ai/agent-core/plugins';
import { describe, expect, it } from 'vitest';
import {
  createKvTokenStore,
  installPlugin,
  PLUGINS_UNSUPPORTED_MESSAGE,
  PROCESSES_UNSUPPORTED_MESSAGE,
  unsupportedPluginSink,
  unsupportedProcessRunner,
} from '../../src/index.js';
import { PLATFORM_URL, sim, simFetch } from './support/platform.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('what a Worker cannot do', () => {
  it('installPlugin rejects with UnsupportedError that says why', async () => {
    const error = await rejection(installPlugin('my-plugin', { source: 'local://my-plugin' }));
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(isMoleculeError(error)).toBe(true);
    expect((error as UnsupportedError).code).toBe('unsupported');
    expect((error as Error).message).toBe(PLUGINS_UNSUPPORTED_MESSAGE);
    expect((error as Error).message).toContain('Cloudflare Workers');
  });

  it('every plugin sink operation rejects with UnsupportedError', async () => {
    for (const call of [
      () => unsupportedPluginSink.lock('p'),
      () => unsupportedPluginSink.cleanup('p'),
      () => unsupportedPluginSink.beginStaging('p'),
      () => unsupportedPluginSink.installedPath('p'),
    ]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(UnsupportedError);
      expect((error as Error).message).toBe(PLUGINS_UNSUPPORTED_MESSAGE);
    }
  });

  it('the process runner rejects with UnsupportedError naming setup.sh', async () => {
    const error = await rejection(
      unsupportedProcessRunner.run({ argv: ['bash', 'setup.sh'], cwd: '/', env: {}, timeoutMs: 1000 }),
    );
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toBe(PROCESSES_UNSUPPORTED_MESSAGE);
    expect((error as Error).message).toContain('setup.sh');
  });

  it("the core's install pipeline fails at once on the unsupported sink, before any download", async () => {
    const { id } = await sim.admin.createWorkspace({ external: true, url: 'https://agent.example/' });
    await sim.admin.addPlugin('hello-plugin', { 'plugin.yaml': 'name: hello-plugin\n' });
    const client = createAgentClient({
      workspaceId: id,
      platformUrl: PLATFORM_URL,
      tokenStore: createKvTokenStore(env.TOKENS),
      fetch: simFetch,
    });
    await client.register();
    const error = await rejection(
      coreInstallPlugin({
        client,
        name: 'hello-plugin',
        sink: unsupportedPluginSink,
        runner: unsupportedProcessRunner,
      }),
    );
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toBe(PLUGINS_UNSUPPORTED_MESSAGE);
    expect(sim.requests.filter((r) => r.path.includes('/plugins/'))).toEqual([]);
  });
});
