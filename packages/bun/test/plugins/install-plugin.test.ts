import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'bun:test';
import { realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AgentClient,
  ConfigError,
  createAgentClient,
  IntegrityError,
  NotFoundError,
  UnsafeArchiveError,
} from '@molecule-ai/agent-core';
import {
  computePluginManifestHash,
  installPluginArchive,
  pluginInstallClient,
} from '@molecule-ai/agent-core/plugins';
import {
  buildTestTar,
  createMemoryTokenStore,
  gzipBytes,
  streamOfBytes,
} from '@molecule-ai/agent-core/testing';
import { createFsPluginSink, hashPluginDirectory, installPlugin } from '../../src/index.js';
import { fixturePath, startBunScript } from '../helpers/bun-child.js';
import { type BunPlatform, startBunPlatform } from '../helpers/platform.js';
import { makeTempDirectory, permissions } from '../helpers/temp-directory.js';
import { listDirectory, readTree } from '../helpers/tree.js';

let platform: BunPlatform;
let client: AgentClient;
let workspaceId: string;
let temp: { path: string; remove(): Promise<void> };
let pluginsDir: string;

beforeAll(async () => {
  platform = startBunPlatform({ allowPlaceholderUrl: true });
  workspaceId = crypto.randomUUID();
  client = createAgentClient({
    workspaceId,
    platformUrl: platform.url,
    tokenStore: createMemoryTokenStore(),
  });
  await client.register();
});
afterAll(async () => {
  await platform.close();
});
beforeEach(async () => {
  temp = await makeTempDirectory('molecule-bun-install-');
  pluginsDir = join(realpathSync(temp.path), 'plugins');
});
afterEach(async () => {
  await temp.remove();
});

describe('installPlugin on Bun against the platform simulator', () => {
  it('streams, checks and installs the plugin with exact modes, leaves nothing behind, and reports it', async () => {
    await platform.sim.admin.addPlugin('demo', {
      'plugin.yaml': 'name: demo\nversion: 1.0.0\n',
      'rules/rule.md': '# Rule\n',
      'bin/tool.sh': { content: '#!/bin/sh\necho tool\n', mode: 0o755 },
      'dir with spaces/notes.txt': 'spaces survive\n',
      'empty/': '',
    });
    const progress: string[] = [];
    const result = await installPlugin({
      client,
      name: 'demo',
      pluginsDir,
      onProgress: (event) => progress.push(event.phase),
    });
    expect(result.path).toBe(join(pluginsDir, 'demo'));
    expect(readTree(result.path)).toEqual({
      bin: '<dir>',
      'bin/tool.sh': '#!/bin/sh\necho tool\n',
      'dir with spaces': '<dir>',
      'dir with spaces/notes.txt': 'spaces survive\n',
      empty: '<dir>',
      'plugin.yaml': 'name: demo\nversion: 1.0.0\n',
      rules: '<dir>',
      'rules/rule.md': '# Rule\n',
    });
    expect(permissions((await stat(join(result.path, 'bin/tool.sh'))).mode)).toBe(0o755);
    expect(permissions((await stat(join(result.path, 'rules/rule.md'))).mode)).toBe(0o644);
    expect(listDirectory(pluginsDir)).toEqual(['demo']);
    expect(progress).toContain('download');
    expect(progress).toContain('swap');
    // The real server cannot record installs for remote workspaces: tolerated, not thrown.
    expect(result.report).toEqual({ status: 'not-supported', httpStatus: 503 });
    const download = platform.sim.requests.find(
      (r) => r.path === `/workspaces/${workspaceId}/plugins/demo/download`,
    );
    expect(download?.headers.authorization).toBe('Bearer [redacted]');
    // Pinning the installed tree's hash: a reinstall verifies against it before the swap.
    const digest = await hashPluginDirectory(result.path);
    const again = await installPlugin({ client, name: 'demo', pluginsDir, expectedSha256: digest });
    expect(again.verifiedWith).toBe('expectedSha256');
    expect(again.manifestSha256).toBe(digest);
  });

  it('runs setup.sh with Bun.spawn (mode 0644, via bash) with an allow-listed environment: never the token', async () => {
    await platform.sim.admin.addPlugin('with-setup', {
      'setup.sh': {
        content:
          'echo "in $(pwd -P)"; echo "token=$(printenv MOLECULE_WORKSPACE_TOKEN || echo unset)"; env | cut -d= -f1 | sort > env.txt\n',
        mode: 0o644,
      },
    });
    const lines: string[] = [];
    process.env.MOLECULE_WORKSPACE_TOKEN = 'host-secret-token';
    process.env.SOME_AGENT_SECRET = 'another-secret';
    try {
      const result = await installPlugin({
        client,
        name: 'with-setup',
        pluginsDir,
        onOutput: (_stream, line) => lines.push(line),
      });
      expect(result.setup).toMatchObject({ ok: true, exitCode: 0, timedOut: false });
      // The plugin is a link to its version folder, where setup.sh really runs (pwd -P).
      expect(lines).toEqual([`in ${realpathSync(join(pluginsDir, 'with-setup'))}`, 'token=unset']);
      const names = (await Bun.file(join(result.path, 'env.txt')).text()).trim().split('\n');
      expect(names).not.toContain('MOLECULE_WORKSPACE_TOKEN');
      expect(names).not.toContain('SOME_AGENT_SECRET');
      expect(names).toContain('PLUGIN_DIR');
      expect(names).toContain('PLUGIN_NAME');
    } finally {
      delete process.env.MOLECULE_WORKSPACE_TOKEN;
      delete process.env.SOME_AGENT_SECRET;
    }
  });

  it('a hostile setup.sh that leaves a TERM-proof grandchild is killed whole at the timeout; the plugin stays', async () => {
    await platform.sim.admin.addPlugin('hostile', {
      'setup.sh': 'trap "" TERM; (trap "" TERM; exec sleep 300) & echo "grandchild $!"; sleep 300\n',
    });
    const lines: string[] = [];
    const result = await installPlugin({
      client,
      name: 'hostile',
      pluginsDir,
      setupTimeoutMs: 300,
      onOutput: (_stream, line) => lines.push(line),
    });
    expect(result.setup).toMatchObject({ ok: false, timedOut: true, exitCode: null });
    const pid = Number(lines.find((l) => l.startsWith('grandchild '))?.split(' ')[1]);
    expect(pid).toBeGreaterThan(0);
    const state = Bun.spawnSync(['ps', '-o', 'stat=', '-p', String(pid)])
      .stdout.toString()
      .trim();
    expect(state === '' || state.startsWith('Z')).toBe(true);
    expect(listDirectory(join(pluginsDir, 'hostile'))).toEqual(['setup.sh']);
  }, 15_000);

  it('a pinned hash that does not match fails before the swap: the old version stays, setup.sh never runs', async () => {
    await platform.sim.admin.addPlugin('pinned', { 'a.txt': 'v1' });
    const first = await installPlugin({ client, name: 'pinned', pluginsDir });
    await platform.sim.admin.addPlugin('pinned', { 'a.txt': 'v2', 'setup.sh': 'touch ran\n' });
    const wrong = await computePluginManifestHash([]);
    const error = await installPlugin({ client, name: 'pinned', pluginsDir, expectedSha256: wrong }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IntegrityError);
    expect(readTree(first.path)).toEqual({ 'a.txt': 'v1' });
    expect(listDirectory(pluginsDir)).toEqual(['pinned']);
  });

  it('a plugin the platform does not have is a NotFoundError and creates nothing', async () => {
    await expect(installPlugin({ client, name: 'no-such-plugin', pluginsDir })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(listDirectory(join(pluginsDir, 'no-such-plugin'))).toEqual([]);
  });

  it('pluginsDir defaults to ~/.molecule/<workspaceId>/plugins (the Python SDK plugins_dir)', async () => {
    await platform.sim.admin.addPlugin('home-default', { 'plugin.yaml': 'name: home-default\n' });
    const home = realpathSync(temp.path);
    const token = await platform.sim.admin.mintToken(workspaceId);
    // Bun reads HOME once per process, so the install runs in a child with its own HOME.
    const child = startBunScript(
      fixturePath('plugin-installer'),
      [platform.url, workspaceId, token, '-', 'home-default', join(home, 'log')],
      { ...(process.env as Record<string, string>), HOME: home },
    );
    const result = await child.done;
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').pop()!)).toMatchObject({
      path: join(home, '.molecule', workspaceId, 'plugins', 'home-default'),
    });
    expect(readTree(join(home, '.molecule', workspaceId, 'plugins', 'home-default'))).toEqual({
      'plugin.yaml': 'name: home-default\n',
    });
  });

  it('setup.sh gets the proxy variables and what MOLECULE_SETUP_ENV names, never a token variable', async () => {
    await platform.sim.admin.addPlugin('env-plugin', {
      'setup.sh': 'echo "mode=$MODE proxy=$https_proxy token=$MOLECULE_ADMIN_TOKEN" > setup.log\n',
    });
    const token = await platform.sim.admin.mintToken(workspaceId);
    const child = startBunScript(
      fixturePath('plugin-installer'),
      [platform.url, workspaceId, token, pluginsDir, 'env-plugin', join(temp.path, 'log')],
      {
        ...(process.env as Record<string, string>),
        MOLECULE_SETUP_ENV: 'MODE=fast',
        https_proxy: 'http://proxy.corp:3128',
        MOLECULE_ADMIN_TOKEN: 'admin-secret',
      },
    );
    const result = await child.done;
    expect(result.exitCode).toBe(0);
    expect(readTree(join(pluginsDir, 'env-plugin'))['setup.log']).toBe(
      'mode=fast proxy=http://proxy.corp:3128 token=\n',
    );
  });

  it('a client without a workspace id needs pluginsDir or a sink', async () => {
    await expect(installPlugin({ client: pluginInstallClient(client), name: 'demo' })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});

describe('hostile archives on Bun (installPluginArchive with the Bun sink and runner)', () => {
  async function installBytes(name: string, tar: Uint8Array, policy = {}) {
    return installPluginArchive(streamOfBytes(await gzipBytes(tar), 1000), {
      name,
      sink: createFsPluginSink({ pluginsDir }),
      runSetup: false,
      policy,
    });
  }

  for (const [label, entry, rule] of [
    ['a ".." traversal', { name: '../escape.txt', content: 'x' }, 'path-traversal'],
    ['an absolute path', { name: '/etc/evil', content: 'x' }, 'absolute-path'],
    ['a symlink out of the tree', { name: 'link', type: 'symlink', linkname: '../../etc/passwd' }, undefined],
    ['a device', { name: 'dev', type: 'character-device' }, undefined],
  ] as const) {
    it(`${label} refuses the whole archive, writes nothing outside, keeps the installed version`, async () => {
      await installBytes('target', buildTestTar([{ name: 'good.txt', content: 'v1' }]));
      const error = await installBytes(
        'target',
        buildTestTar([{ name: 'early.txt', content: 'written first' }, entry]),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsafeArchiveError);
      if (rule) expect((error as UnsafeArchiveError).rule).toBe(rule);
      expect(readTree(join(pluginsDir, 'target'))).toEqual({ 'good.txt': 'v1' });
      expect(listDirectory(pluginsDir)).toEqual(['target']);
      expect(listDirectory(temp.path)).toEqual(['plugins']);
    });
  }

  it('a decompression bomb stops at the byte cap while streaming', async () => {
    const big = new Uint8Array(8 * 1024 * 1024); // 8 MiB of zeros gzip to a few KiB
    const tar = buildTestTar([{ name: 'bomb.bin', content: big }]);
    const error = await installBytes('bomb', tar, { maxBytes: 1024 * 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect(listDirectory(pluginsDir)).toEqual([]);
  });
});
