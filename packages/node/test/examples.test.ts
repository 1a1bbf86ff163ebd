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

// The README shows the files of examples/ verbatim; these tests compile each one (the package
// resolved by name to its build, as in a user's project) and run it against the simulator.
const here = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));
const EXAMPLES = ['examples/poll-agent.ts', 'examples/push-agent.ts', 'examples/install-plugin.ts'];

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
  it.each(EXAMPLES)('the README shows %s verbatim', async (example) => {
    const [readme, code] = await Promise.all([
      readFile(here('README.md'), 'utf8'),
      readFile(here(example), 'utf8'),
    ]);
    expect(readme).toContain(`\`\`\`ts\n${code}\`\`\``);
  });

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
});
