// The opt-in setup.sh sandbox on Bun: installPlugin({ sandbox }) runs setup.sh through bubblewrap
// with Bun.spawn. Where bubblewrap works, setup.sh cannot read the token folder or the agent's
// /proc; where it does not, the install fails with a ConfigError before any download.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'bun:test';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AgentClient, ConfigError, createAgentClient } from '@molecule-ai/agent-core';
import { createMemoryTokenStore } from '@molecule-ai/agent-core/testing';
import { installPlugin } from '../../src/index.js';
import { type BunPlatform, startBunPlatform } from '../helpers/platform.js';
import { makeTempDirectory } from '../helpers/temp-directory.js';

let platform: BunPlatform;
let client: AgentClient;
let temp: { path: string; remove(): Promise<void> };

beforeAll(async () => {
  platform = startBunPlatform({ allowPlaceholderUrl: true });
  client = createAgentClient({
    workspaceId: crypto.randomUUID(),
    platformUrl: platform.url,
    tokenStore: createMemoryTokenStore(),
  });
  await client.register();
});
afterAll(async () => {
  await platform.close();
});
beforeEach(async () => {
  temp = await makeTempDirectory('molecule-bun-sandbox-');
});
afterEach(async () => {
  await temp.remove();
});

function bubblewrapWorks(): boolean {
  const probe = Bun.spawnSync(
    ['bwrap', '--bind', '/', '/', '--proc', '/proc', '--unshare-pid', '--', 'true'],
    {
      stdout: 'ignore',
      stderr: 'ignore',
    },
  );
  return probe.success;
}

describe('installPlugin({ sandbox }) on Bun', () => {
  it('setup.sh sees neither the token folder nor the agent process, or the install fails before any download', async () => {
    await platform.sim.admin.addPlugin('probe', {
      'setup.sh':
        'echo "token=$(cat "$TOKEN_FILE" 2>/dev/null || echo unreadable)"\necho "agent=$(cat /proc/$AGENT_PID/cmdline 2>/dev/null | head -c 10 || true)"\n',
    });
    const tokenDir = join(temp.path, 'molecule');
    mkdirSync(join(tokenDir, 'ws'), { recursive: true, mode: 0o700 });
    const tokenFile = join(tokenDir, 'ws', '.auth_token');
    writeFileSync(tokenFile, 'the-workspace-token', { mode: 0o600 });
    const pluginsDir = join(tokenDir, 'ws', 'plugins');
    const lines: string[] = [];
    const installing = installPlugin({
      client,
      name: 'probe',
      pluginsDir,
      env: { TOKEN_FILE: tokenFile, AGENT_PID: String(process.pid) },
      hostEnv: { PATH: process.env.PATH },
      sandbox: { hide: [tokenDir] },
      onOutput: (_stream, line) => lines.push(line),
    });
    if (bubblewrapWorks()) {
      const result = await installing;
      expect(result.setup).toMatchObject({ ok: true, exitCode: 0 });
      expect(lines).toEqual(['token=unreadable', 'agent=']);
    } else {
      await expect(installing).rejects.toBeInstanceOf(ConfigError);
      expect(existsSync(join(pluginsDir, 'probe'))).toBe(false);
    }
  });

  it('a missing bubblewrap is a ConfigError before any download, never an unsandboxed setup.sh', async () => {
    const pluginsDir = join(temp.path, 'plugins');
    const installing = installPlugin({
      client,
      name: 'probe',
      pluginsDir,
      sandbox: { bwrap: join(temp.path, 'no-such-bwrap') },
    });
    await expect(installing).rejects.toBeInstanceOf(ConfigError);
    await expect(installing).rejects.toThrow(/needs bubblewrap.*apt-get install bubblewrap/);
    expect(existsSync(join(pluginsDir, 'probe'))).toBe(false);
  });
});
