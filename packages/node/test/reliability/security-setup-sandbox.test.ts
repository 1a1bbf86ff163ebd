// Attack: setup.sh runs as the agent's user, so it can read the token file and the agent's
// /proc/<pid>/environ and cmdline (where a --token would be), and a `setsid` daemon escapes the
// process-group kill. The opt-in sandbox (bubblewrap) closes all three. Where bubblewrap is not
// installed the same tests assert the other promise: the install fails with a clear error before
// anything is downloaded, and nothing ever runs unsandboxed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@molecule-ai/agent-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installPlugin } from '../../src/plugins/install-plugin.js';
import { requireBuiltCli, runCliProcess } from '../cli/cli-process.js';
import { createAgent, type SimHarness, startSim } from '../sim.js';
import { makeTempDir } from './security-helpers.js';

/** Whether bubblewrap is installed here and can create its namespaces. */
function bubblewrapWorks(): boolean {
  try {
    execFileSync('bwrap', ['--bind', '/', '/', '--proc', '/proc', '--unshare-pid', '--', 'true'], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

/** Processes whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(marker)) {
        found.push(Number(entry));
      }
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

// Writes what it could see to probe.txt in the plugin folder. DAEMON_MARKER names a setsid daemon.
const PROBE = `
echo "token=$(cat "$TOKEN_FILE" 2>/dev/null || echo unreadable)" > probe.txt
echo "agent-cmdline=$(tr '\\0' ' ' < /proc/$AGENT_PID/cmdline 2>/dev/null | head -c 40 || true)" >> probe.txt
echo "agent-environ=$(wc -c < /proc/$AGENT_PID/environ 2>/dev/null || echo 0)" >> probe.txt
if [ -n "$DAEMON_MARKER" ]; then setsid sleep "$DAEMON_MARKER" >/dev/null 2>&1 < /dev/null & fi
echo done >> probe.txt
`;

let harness: SimHarness;
beforeAll(async () => {
  harness = await startSim();
});
afterAll(async () => {
  await harness.close();
});
let temp: { dir: string; remove: () => void };
beforeEach(() => {
  temp = makeTempDir('security-sandbox-');
});
afterEach(() => temp.remove());

/** The Python layout: the token and the plugins in one workspace folder. */
function layout() {
  const tokenDir = join(temp.dir, 'molecule');
  const workspace = join(tokenDir, 'ws');
  mkdirSync(workspace, { recursive: true, mode: 0o700 });
  const tokenFile = join(workspace, '.auth_token');
  writeFileSync(tokenFile, 'the-workspace-token', { mode: 0o600 });
  return { tokenDir, tokenFile, pluginsDir: join(workspace, 'plugins') };
}

function probeOf(pluginsDir: string): Record<string, string> {
  const text = readFileSync(join(pluginsDir, 'demo', 'probe.txt'), 'utf8');
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
}

describe('the opt-in setup.sh sandbox', () => {
  it('without it (the control), setup.sh reads the token file and the agent process', async () => {
    const agent = await createAgent(harness);
    await harness.sim.admin.addPlugin('demo', { 'setup.sh': PROBE });
    const { tokenFile, pluginsDir } = layout();
    const result = await installPlugin({
      client: agent.client,
      name: 'demo',
      pluginsDir,
      env: { TOKEN_FILE: tokenFile, AGENT_PID: String(process.pid) },
      hostEnv: { PATH: process.env.PATH },
      sandbox: false,
    });
    expect(result.setup).toMatchObject({ ok: true });
    const probe = probeOf(pluginsDir);
    expect(probe.token).toBe('the-workspace-token');
    expect(probe['agent-cmdline']).toContain('node');
    expect(Number(probe['agent-environ'])).toBeGreaterThan(0);
  });

  it('with it: no token file, no agent /proc, and a setsid daemon dies with the script; or, without bubblewrap, a clear error before any download', async () => {
    const agent = await createAgent(harness);
    await harness.sim.admin.addPlugin('demo', { 'setup.sh': PROBE });
    const { tokenDir, tokenFile, pluginsDir } = layout();
    const marker = `${300 + Math.floor(Math.random() * 1000)}.${process.pid}`;
    const installing = installPlugin({
      client: agent.client,
      name: 'demo',
      pluginsDir,
      env: { TOKEN_FILE: tokenFile, AGENT_PID: String(process.pid), DAEMON_MARKER: marker },
      hostEnv: { PATH: process.env.PATH },
      sandbox: { hide: [tokenDir] },
    });
    if (bubblewrapWorks()) {
      const result = await installing;
      expect(result.setup).toMatchObject({ ok: true, exitCode: 0 });
      expect(probeOf(pluginsDir)).toEqual({
        token: 'unreadable',
        'agent-cmdline': '',
        'agent-environ': '0',
        done: undefined,
      });
      expect(processesWith(`sleep ${marker}`)).toEqual([]);
      // The token file is still there for the agent: hidden, not touched.
      expect(readFileSync(tokenFile, 'utf8')).toBe('the-workspace-token');
    } else {
      await expect(installing).rejects.toBeInstanceOf(ConfigError);
      await expect(installing).rejects.toThrow(/needs bubblewrap|sandbox cannot start/);
      expect(existsSync(join(pluginsDir, 'demo'))).toBe(false);
    }
  });

  it('a bubblewrap that is not there fails the install before any download, never running setup.sh unsandboxed', async () => {
    const agent = await createAgent(harness);
    await harness.sim.admin.addPlugin('demo', { 'setup.sh': 'touch ran\n' });
    const { pluginsDir } = layout();
    harness.sim.clearRequests();
    const installing = installPlugin({
      client: agent.client,
      name: 'demo',
      pluginsDir,
      sandbox: { bwrap: join(temp.dir, 'no-such-bwrap') },
    });
    await expect(installing).rejects.toBeInstanceOf(ConfigError);
    await expect(installing).rejects.toThrow(
      /needs bubblewrap.*apt-get install bubblewrap.*without the sandbox/,
    );
    expect(harness.sim.requests.filter((request) => request.path.includes('/plugins/'))).toEqual([]);
    expect(existsSync(join(pluginsDir, 'demo'))).toBe(false);
  });

  it('MOLECULE_SETUP_SANDBOX=1 turns it on', async () => {
    const agent = await createAgent(harness);
    await harness.sim.admin.addPlugin('demo', { 'setup.sh': 'touch ran\n' });
    const { pluginsDir } = layout();
    const previous = { ...process.env };
    process.env.MOLECULE_SETUP_SANDBOX = '1';
    process.env.PATH = temp.dir; // no bwrap on this PATH
    try {
      await expect(installPlugin({ client: agent.client, name: 'demo', pluginsDir })).rejects.toThrow(
        /needs bubblewrap/,
      );
    } finally {
      process.env = previous;
    }
  });
});

describe('molecule-agent install-plugin --sandbox', () => {
  it('hides the token folder from setup.sh, or refuses to run without bubblewrap; never runs it unsandboxed', async () => {
    requireBuiltCli();
    const platform = await startSim();
    try {
      const home = join(temp.dir, 'home');
      mkdirSync(home, { mode: 0o700 });
      const { id } = await platform.sim.admin.createWorkspace({});
      const env = { HOME: home, MOLECULE_PLATFORM_URL: platform.url, MOLECULE_WORKSPACE_ID: id };
      expect((await runCliProcess(['register'], { cwd: home, env })).code).toBe(0);
      const tokenFile = join(home, '.molecule', id, '.auth_token');
      await platform.sim.admin.addPlugin('probe', {
        'setup.sh': 'echo "token=$(cat "$TOKEN_FILE" 2>/dev/null || echo unreadable)"\ntouch ran\n',
      });
      const args = ['install-plugin', 'probe', '--sandbox', '--setup-env', `TOKEN_FILE=${tokenFile}`];
      const withBwrap = bubblewrapWorks();
      const result = await runCliProcess(args, {
        cwd: home,
        // Without bubblewrap here, the PATH the CLI gets has none either way.
        env: withBwrap ? env : { ...env, PATH: '/nonexistent' },
      });
      const installed = join(home, '.molecule', id, 'plugins', 'probe');
      if (withBwrap) {
        expect(result.code).toBe(0);
        expect(result.stderr).toContain('setup.sh stdout: token=unreadable');
        expect(existsSync(join(installed, 'ran'))).toBe(true);
      } else {
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/error: the setup.sh sandbox needs bubblewrap/);
        expect(existsSync(installed)).toBe(false);
      }
      const missing = await runCliProcess(args, { cwd: home, env: { ...env, PATH: '/nonexistent' } });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(
        /error: the setup.sh sandbox needs bubblewrap.*apt-get install bubblewrap/,
      );
    } finally {
      await platform.close();
    }
  }, 60_000);
});
