import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SimHarness, startSim, until } from './sim.js';
import { makeTempDirectory } from './stores/helpers.js';

// Real child processes on a shared machine: generous limits (safety nets, not assertions).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

// The README shows the files of examples/ verbatim (tests/readme compares them); these tests
// compile each one (the package resolved by name to its build, as in a user's project) and run it
// against the simulator.
const here = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

let home: { path: string; remove(): Promise<void> };
let harness: SimHarness | undefined;
const children: ChildProcess[] = [];
beforeEach(async () => {
  if (!existsSync(here('dist/index.js')))
    throw new Error("dist is missing: run 'pnpm --filter @molecule-ai/agent-node build'");
  home = await makeTempDirectory('molecule-examples-');
});
afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await harness?.close();
  harness = undefined;
  await home.remove();
});

/**
 * Compiles an example to one ESM file, `@molecule-ai/agent-node` being the built package. It is
 * written inside the package (git-ignored) so that the package's own dependencies resolve.
 */
async function compile(example: string): Promise<string> {
  const outfile = join(here('.examples-build'), example.replace(/^examples\/|\.ts$/g, '') + '.mjs');
  await build({
    entryPoints: [here(example)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    alias: { '@molecule-ai/agent-node': here('dist/index.js') },
    // undici is CommonJS: it stays a dependency, as in a user's project.
    external: ['undici'],
    logLevel: 'silent',
  });
  return outfile;
}

interface Run {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

function run(script: string, env: Record<string, string>, args: string[] = []): Run {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: home.path,
    env: { PATH: process.env.PATH ?? '', HOME: home.path, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => ({ stdout, stderr }), exited };
}

describe('README examples', () => {
  it('poll-agent.ts answers a canvas message and stops on Ctrl-C', async () => {
    harness = await startSim();
    const created = await harness.sim.admin.createWorkspace({ external: true });
    const agent = run(await compile('examples/poll-agent.ts'), {
      MOLECULE_PLATFORM_URL: harness.url,
      MOLECULE_WORKSPACE_ID: created.id,
      MOLECULE_WORKSPACE_TOKEN: created.token!,
      MOLECULE_POLL_INTERVAL: '0.05',
    });
    await until(() => harness!.sim.admin.workspace(created.id)?.status === 'online', 'registered');
    await harness.sim.admin.sendCanvasMessage(created.id, 'hello node');
    await until(
      () => harness!.sim.admin.notifications(created.id).some((n) => n.message === 'You said: hello node'),
      'the reply',
    );
    agent.child.kill('SIGINT');
    expect(await agent.exited).toBe(0);
    expect(agent.output().stdout).toBe('stopped: aborted\n');
    expect(agent.output().stderr).toBe('');
  });

  it('push-agent.ts answers a pushed canvas message on a stock platform and stops on SIGTERM', async () => {
    harness = await startSim({ allowPlaceholderUrl: false, devMode: true });
    const created = await harness.sim.admin.createWorkspace({ external: true });
    const agent = run(await compile('examples/push-agent.ts'), {
      MOLECULE_PLATFORM_URL: harness.url,
      MOLECULE_WORKSPACE_ID: created.id,
      MOLECULE_WORKSPACE_TOKEN: created.token!,
    });
    await until(
      () => harness!.sim.admin.workspace(created.id)?.url?.startsWith('http://localhost:') === true,
      'registered',
    );
    const reply = await harness.sim.admin.sendCanvasMessage(created.id, 'pushed hello');
    expect(JSON.stringify(reply.body)).toMatch(/You said: pushed hello \(\d+ peers around\)/);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    expect(agent.output()).toEqual({ stdout: 'stopped: aborted\n', stderr: '' });
  });

  it('install-plugin.ts installs a plugin from the registry into ~/.molecule/<id>/plugins', async () => {
    harness = await startSim();
    await harness.sim.admin.addPlugin('hello-plugin', {
      'plugin.yaml': 'name: hello-plugin\n',
      'hello.txt': 'hi',
    });
    const created = await harness.sim.admin.createWorkspace({ external: true });
    const script = run(await compile('examples/install-plugin.ts'), {
      MOLECULE_PLATFORM_URL: harness.url,
      MOLECULE_WORKSPACE_ID: created.id,
      MOLECULE_WORKSPACE_TOKEN: created.token!,
    });
    expect(await script.exited).toBe(0);
    const pluginDir = join(home.path, '.molecule', created.id, 'plugins', 'hello-plugin');
    expect(script.output().stdout).toBe(`installed hello-plugin: 2 files in ${pluginDir}\n`);
    expect(await readFile(join(pluginDir, 'hello.txt'), 'utf8')).toBe('hi');
  });
  it('agent-loop.ts registers its own client, answers a polled message and stops on SIGTERM', async () => {
    harness = await startSim();
    const created = await harness.sim.admin.createWorkspace({ external: true });
    const agent = run(await compile('examples/agent-loop.ts'), {
      MOLECULE_PLATFORM_URL: harness.url,
      MOLECULE_WORKSPACE_ID: created.id,
      MOLECULE_WORKSPACE_TOKEN: created.token!,
      MOLECULE_POLL_INTERVAL: '0.05',
    });
    await until(() => harness!.sim.admin.workspace(created.id)?.status === 'online', 'registered');
    await harness.sim.admin.sendCanvasMessage(created.id, 'loop');
    await until(
      () => harness!.sim.admin.notifications(created.id).some((n) => n.message === 'You said: loop'),
      'the reply',
    );
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    expect(agent.output()).toEqual({ stdout: 'aborted\n', stderr: '' });
  });

  it('push-delivery.ts registers its push URL and answers a pushed message', async () => {
    harness = await startSim({ allowPlaceholderUrl: false, devMode: true });
    const created = await harness.sim.admin.createWorkspace({ external: true });
    const agent = run(await compile('examples/push-delivery.ts'), {
      MOLECULE_PLATFORM_URL: harness.url,
      MOLECULE_WORKSPACE_ID: created.id,
      MOLECULE_WORKSPACE_TOKEN: created.token!,
      MOLECULE_PUBLIC_URL: 'http://localhost:{port}',
      PORT: '0',
    });
    await until(
      () =>
        /^http:\/\/localhost:\d+\/a2a\/[\w-]{32}$/.test(harness!.sim.admin.workspace(created.id)?.url ?? ''),
      'registered',
    );
    const reply = await harness.sim.admin.sendCanvasMessage(created.id, 'pushed by hand');
    expect(JSON.stringify(reply.body)).toContain('You said: pushed by hand');
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    expect(agent.output()).toEqual({ stdout: 'aborted\n', stderr: '' });
  });

  it('token-stores.ts names the token and cursor files under MOLECULE_TOKEN_DIR', async () => {
    const workspaceId = '6f2c1b9e-4a0d-4c3e-9b7a-0123456789ab';
    const script = run(await compile('examples/token-stores.ts'), {
      MOLECULE_TOKEN_DIR: join(home.path, 'tokens'),
      MOLECULE_WORKSPACE_ID: workspaceId,
      MOLECULE_WORKSPACE_TOKEN: 'a-supplied-token',
    });
    expect(await script.exited).toBe(0);
    const folder = join(home.path, 'tokens', workspaceId);
    expect(script.output().stdout).toBe(
      `token file: ${join(folder, '.auth_token')}\n` +
        `cursor file: ${join(folder, 'inbound-cursor.json')}\n` +
        'token from: the MOLECULE_WORKSPACE_TOKEN environment variable\n',
    );
  });

  it('own-transport.ts registers through a transport of its own; the platform issues the token', async () => {
    harness = await startSim();
    const workspaceId = '0b9d7c1e-2f3a-4b5c-8d6e-7f8091a2b3c4';
    const script = run(await compile('examples/own-transport.ts'), {
      MOLECULE_PLATFORM_URL: harness.url,
      MOLECULE_WORKSPACE_ID: workspaceId,
      MOLECULE_LOG: 'error',
    });
    expect(await script.exited).toBe(0);
    expect(script.output()).toEqual({ stdout: 'registered; the platform issued a token\n', stderr: '' });
    expect(harness.sim.admin.workspace(workspaceId)?.liveTokens).toBe(1);
  });
});
