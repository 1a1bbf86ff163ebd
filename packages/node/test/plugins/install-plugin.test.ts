// End to end: the platform simulator over real HTTP, the real core client, the streaming pipeline,
// the file-system sink and real bash. Covers the install rows of the Python SDK's
// test_remote_agent.py, with fixed behaviour named where this SDK differs.
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError, UnsafeArchiveError } from '@molecule-ai/agent-core';
import {
  computePluginManifestHash,
  type InstallPluginWithPortsOptions,
  installPluginArchive,
  installPluginWithPorts,
  pluginInstallClient,
} from '@molecule-ai/agent-core/plugins';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFsPluginSink } from '../../src/plugins/fs-plugin-sink.js';
import { installPlugin as installPluginOnNode } from '../../src/plugins/install-plugin.js';
import { createProcessRunner } from '../../src/plugins/process-runner.js';
import { createAgent, type SimHarness, startSim } from '../sim.js';
import { listDir, makeTempDir, readTree, serveBytes } from './helpers.js';

let harness: SimHarness;
beforeAll(async () => {
  harness = await startSim();
});
afterAll(async () => {
  await harness.close();
});

let root: { dir: string; remove: () => void };
let pluginsDir: string;
beforeEach(() => {
  root = makeTempDir('install-');
  pluginsDir = join(realpathSync(root.dir), 'plugins');
});
afterEach(() => root.remove());

function installOptions(
  client: InstallPluginWithPortsOptions['client'],
  extra: Partial<InstallPluginWithPortsOptions> = {},
): InstallPluginWithPortsOptions {
  return {
    client,
    name: 'demo',
    sink: createFsPluginSink({ pluginsDir }),
    runner: createProcessRunner(),
    hostEnv: process.env,
    ...extra,
  };
}

const demoFiles = {
  'plugin.yaml': 'name: demo\nversion: 1.0.0\n',
  'rules/rule.md': '# Rule\n',
  'skills/long-name-skill-directory-for-the-ustar-prefix-field/another-long-directory-name/SKILL.md':
    '# Skill\n',
  'dir with spaces/notes.txt': 'spaces survive\n',
  'empty/': '',
};

describe('installPluginWithPorts against the platform simulator (test_remote_agent install rows)', () => {
  it('install_plugin_unpacks_into_per_workspace_dir: download with Bearer, files installed, no .staging-* left, report POSTed', async () => {
    await harness.sim.admin.addPlugin('demo', demoFiles);
    const agent = await createAgent(harness);
    const before = harness.sim.requests.length;
    const result = await installPluginWithPorts(installOptions(agent.client));
    expect(result.path).toBe(join(pluginsDir, 'demo'));
    expect(readTree(result.path)).toEqual({
      'dir with spaces': '<dir>',
      'dir with spaces/notes.txt': 'spaces survive\n',
      empty: '<dir>',
      'plugin.yaml': 'name: demo\nversion: 1.0.0\n',
      rules: '<dir>',
      'rules/rule.md': '# Rule\n',
      skills: '<dir>',
      'skills/long-name-skill-directory-for-the-ustar-prefix-field': '<dir>',
      'skills/long-name-skill-directory-for-the-ustar-prefix-field/another-long-directory-name': '<dir>',
      'skills/long-name-skill-directory-for-the-ustar-prefix-field/another-long-directory-name/SKILL.md':
        '# Skill\n',
    });
    expect(listDir(pluginsDir)).toEqual(['demo']); // no staging, set-aside or lock file left
    const requests = harness.sim.requests.slice(before);
    const download = requests.find((r) => r.path === `/workspaces/${agent.id}/plugins/demo/download`);
    expect(download?.headers.authorization).toBe('Bearer [redacted]');
    const report = requests.find((r) => r.method === 'POST' && r.path === `/workspaces/${agent.id}/plugins`);
    expect(report?.json).toEqual({ source: 'local://demo' });
    // The real server cannot record installs for remote workspaces (503): tolerated, not thrown.
    expect(report?.status).toBe(503);
    expect(result.report).toEqual({ status: 'not-supported', httpStatus: 503 });
    expect(result.source).toBe('local://demo');
  });

  it('install_plugin_passes_source_query_when_given', async () => {
    await harness.sim.admin.addGithubPlugin('acme/my-plugin', 'v1', { 'README.md': 'from github\n' });
    const agent = await createAgent(harness);
    const before = harness.sim.requests.length;
    const result = await installPluginWithPorts(
      installOptions(agent.client, { name: 'my-plugin', source: 'github://acme/my-plugin#v1' }),
    );
    const download = harness.sim.requests
      .slice(before)
      .find((r) => r.path.endsWith('/plugins/my-plugin/download'));
    expect(download?.query).toEqual({ source: 'github://acme/my-plugin#v1' });
    expect(readTree(result.path)).toEqual({ 'README.md': 'from github\n' });
    expect(result.source).toBe('github://acme/my-plugin#v1');
  });

  it('install_plugin_overwrites_existing: old files removed, new files present', async () => {
    const agent = await createAgent(harness);
    await harness.sim.admin.addPlugin('demo', { 'old.txt': 'old', 'shared.txt': 'v1' });
    await installPluginWithPorts(installOptions(agent.client));
    await harness.sim.admin.addPlugin('demo', { 'new.txt': 'new', 'shared.txt': 'v2' });
    const result = await installPluginWithPorts(installOptions(agent.client));
    expect(readTree(result.path)).toEqual({ 'new.txt': 'new', 'shared.txt': 'v2' });
  });

  it('install_plugin_runs_setup_sh_when_present even with mode 0644 (via bash)', async () => {
    const agent = await createAgent(harness);
    await harness.sim.admin.addPlugin('demo', {
      'setup.sh': { content: 'echo "setup ran in $(pwd -P)" > setup.log\n', mode: 0o644 },
    });
    const result = await installPluginWithPorts(installOptions(agent.client));
    expect(result.setup).toMatchObject({ ok: true, exitCode: 0 });
    // The plugin is a link to its version folder, which is where setup.sh really runs.
    expect(readTree(result.path)['setup.log']).toBe(`setup ran in ${realpathSync(result.path)}\n`);
  });

  it('install_plugin_skips_setup_when_disabled', async () => {
    const agent = await createAgent(harness);
    await harness.sim.admin.addPlugin('demo', { 'setup.sh': 'touch setup.log\n' });
    const result = await installPluginWithPorts(installOptions(agent.client, { runSetup: false }));
    expect(result.setup).toBeNull();
    expect(Object.keys(readTree(result.path))).toEqual(['setup.sh']);
  });

  it('install_plugin_skips_platform_report_when_disabled', async () => {
    const agent = await createAgent(harness);
    await harness.sim.admin.addPlugin('demo', { 'a.txt': 'a' });
    const before = harness.sim.requests.length;
    const result = await installPluginWithPorts(installOptions(agent.client, { reportToPlatform: false }));
    expect(result.report).toBeNull();
    expect(harness.sim.requests.slice(before).filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('install_plugin_404_raises_with_useful_url (NotFoundError naming the path; nothing created)', async () => {
    const agent = await createAgent(harness);
    const error = await installPluginWithPorts(
      installOptions(agent.client, { name: 'no-such-plugin' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).path).toBe(`/workspaces/${agent.id}/plugins/no-such-plugin/download`);
    expect(listDir(pluginsDir)).toEqual([]);
  });

  it('pins the manifest hash of the served plugin (expectedSha256) and verifies it before the swap', async () => {
    const agent = await createAgent(harness);
    const files = { 'rules.md': '# Rules\n', 'setup.sh': '#!/bin/bash\n' };
    await harness.sim.admin.addPlugin('demo', files);
    const expected = await computePluginManifestHash(
      Object.entries(files).map(([path, content]) => ({ path, bytes: new TextEncoder().encode(content) })),
    );
    expect(expected).toBe('38bd93611b8f1f2b3abb8cba218adffa0a078d8a65c76ea4cd087e150babf10d');
    const result = await installPluginWithPorts(installOptions(agent.client, { expectedSha256: expected }));
    expect(result).toMatchObject({ verifiedWith: 'expectedSha256', manifestSha256: expected });
  });

  it('reports progress against Content-Length for a progress bar', async () => {
    const agent = await createAgent(harness);
    await harness.sim.admin.addPlugin('demo', {
      'big.bin': new Uint8Array(300_000).map((_, i) => (i * 7919) & 0xff),
    });
    const events: { phase: string; bytesDownloaded: number; totalBytes: number | null }[] = [];
    await installPluginWithPorts(installOptions(agent.client, { onProgress: (e) => events.push({ ...e }) }));
    const download = events.filter((e) => e.phase === 'download' && e.totalBytes !== null);
    expect(download.length).toBeGreaterThan(1);
    expect(download.at(-1)!.bytesDownloaded).toBe(download.at(-1)!.totalBytes);
    expect([...new Set(events.map((e) => e.phase))]).toEqual([
      'lock',
      'download',
      'verify',
      'swap',
      'report',
      'done',
    ]);
    expect(events.filter((e) => e.phase === 'done')).toHaveLength(1);
  });
});

describe('the Node installPluginWithPorts (ports filled in)', () => {
  it('needs only a client, a name and pluginsDir: fs sink, process runner, node:zlib gunzip, process.env allow-list', async () => {
    const agent = await createAgent(harness);
    await harness.sim.admin.addPlugin('demo', {
      'setup.sh': 'echo "home=$HOME token=$(printenv MOLECULE_WORKSPACE_TOKEN || echo none)" > setup.log\n',
      'skills/a.md': '# A\n',
    });
    const saved = process.env.MOLECULE_WORKSPACE_TOKEN;
    process.env.MOLECULE_WORKSPACE_TOKEN = 'never-in-setup';
    try {
      const result = await installPluginOnNode({ client: agent.client, name: 'demo', pluginsDir });
      expect(result).toMatchObject({
        path: join(pluginsDir, 'demo'),
        files: 2,
        setup: { ok: true },
        report: { status: 'not-supported' },
      });
      expect(readTree(result.path)['setup.log']).toBe(`home=${process.env.HOME} token=none\n`);
    } finally {
      if (saved === undefined) delete process.env.MOLECULE_WORKSPACE_TOKEN;
      else process.env.MOLECULE_WORKSPACE_TOKEN = saved;
    }
  });

  it('MOLECULE_SETUP_ENV names extra variables for setup.sh (as the CLI --setup-env); setupEnv wins', async () => {
    const agent = await createAgent(harness);
    await harness.sim.admin.addPlugin('env-demo', {
      'setup.sh': 'echo "mode=$MODE index=$PIP_INDEX_URL" > setup.log\n',
    });
    const saved = { ...process.env };
    process.env.MOLECULE_SETUP_ENV = 'MODE=fast, PIP_INDEX_URL';
    process.env.PIP_INDEX_URL = 'https://pypi.internal/simple';
    try {
      const viaVariable = await installPluginOnNode({ client: agent.client, name: 'env-demo', pluginsDir });
      expect(readTree(viaVariable.path)['setup.log']).toBe('mode=fast index=https://pypi.internal/simple\n');
      const viaOption = await installPluginOnNode({
        client: agent.client,
        name: 'env-demo',
        pluginsDir,
        setupEnv: ['MODE=slow'],
      });
      expect(readTree(viaOption.path)['setup.log']).toBe('mode=slow index=\n');
    } finally {
      for (const key of ['MOLECULE_SETUP_ENV', 'PIP_INDEX_URL']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });

  it('token_dir_default_is_under_home, for plugins: pluginsDir defaults to ~/.molecule/<id>/plugins (Python plugins_dir)', async () => {
    await harness.sim.admin.addPlugin('demo', { 'plugin.yaml': 'name: demo\n' });
    const agent = await createAgent(harness);
    const savedHome = process.env.HOME;
    process.env.HOME = realpathSync(root.dir);
    try {
      const result = await installPluginOnNode({ client: agent.client, name: 'demo', runSetup: false });
      expect(result.path).toBe(join(realpathSync(root.dir), '.molecule', agent.id, 'plugins', 'demo'));
      expect(readTree(result.path)).toEqual({ 'plugin.yaml': 'name: demo\n' });
    } finally {
      process.env.HOME = savedHome;
    }
  });

  it('a client without a workspace id needs pluginsDir or a sink', async () => {
    const agent = await createAgent(harness);
    await expect(
      installPluginOnNode({ client: pluginInstallClient(agent.client), name: 'demo' }),
    ).rejects.toThrow(/pluginsDir/);
  });

  it('installs a GitHub plugin named after its repository, capitals included (the platform accepts it)', async () => {
    await harness.sim.admin.addGithubPlugin('acme/Claude-Skills', 'v1', { 'CLAUDE.md': '# Skills\n' });
    const agent = await createAgent(harness);
    const result = await installPluginOnNode({
      client: agent.client,
      name: 'Claude-Skills',
      source: 'github://acme/Claude-Skills#v1',
      pluginsDir,
    });
    expect(result.path).toBe(join(pluginsDir, 'Claude-Skills'));
    expect(readTree(result.path)).toEqual({ 'CLAUDE.md': '# Skills\n' });
  });
});

describe('installPluginArchive from a plain HTTP server', () => {
  it('install_plugin_atomic_rollback_on_corrupt_tarball: a non-gzip body raises and the plugins folder is left empty', async () => {
    const server = await serveBytes(new TextEncoder().encode('<html>502 Bad Gateway</html>'));
    try {
      const response = await fetch(server.url);
      const error = await installPluginArchive(response.body!, {
        name: 'demo',
        sink: createFsPluginSink({ pluginsDir }),
        runSetup: false,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsafeArchiveError);
      expect(error).toMatchObject({ rule: 'corrupt-gzip' });
      expect(listDir(pluginsDir)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
