import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SimHarness, startSim } from '../sim.js';
import { makeTempDirectory } from '../stores/helpers.js';
import { requireBuiltCli, runCliProcess, waitForOutput } from './cli-process.js';

// Real child processes on a shared two-core machine: generous limits (safety nets, not assertions).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let platform: SimHarness;
beforeAll(async () => {
  requireBuiltCli();
  platform = await startSim();
});
afterAll(async () => {
  await platform.close();
});

describe('README one-minute example', () => {
  it('the handler from the README, run with the README command, answers a message', async () => {
    // The handler is examples/agent.js (tests/readme checks that the README shows it word for word).
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const handler = await readFile(new URL('../../examples/agent.js', import.meta.url), 'utf8');
    const command = /```sh\n[\s\S]*?(npx molecule-agent connect[^\n]*)\n```/.exec(readme)?.[1];
    expect(command).toBe('npx molecule-agent connect --handler ./agent.js');

    const home = await makeTempDirectory('molecule-readme-');
    try {
      await writeFile(join(home.path, 'agent.js'), handler);
      const { id } = await platform.sim.admin.createWorkspace({});
      let child: ChildProcess | undefined;
      const args = (command as string).split(' ').slice(2);
      const running = runCliProcess(args, {
        cwd: home.path,
        env: {
          HOME: home.path,
          MOLECULE_PLATFORM_URL: platform.url,
          MOLECULE_WORKSPACE_ID: id,
          MOLECULE_POLL_INTERVAL: '0.1',
        },
        onSpawn: (c) => {
          child = c;
        },
      });
      await waitForOutput(child as ChildProcess, '[molecule] connected as');
      await platform.sim.admin.sendCanvasMessage(id, 'hi');
      const deadline = Date.now() + 30_000;
      while (
        !platform.sim.admin.notifications(id).some((n) => n.message === 'You said: hi') &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      child?.kill('SIGTERM');
      const run = await running;
      expect(platform.sim.admin.notifications(id).map((n) => n.message)).toContain('You said: hi');
      expect(run.code).toBe(0);
      const tokenFile = join(home.path, '.molecule', id, '.auth_token');
      expect(await readFile(tokenFile, 'utf8')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } finally {
      await home.remove();
    }
  });
});
