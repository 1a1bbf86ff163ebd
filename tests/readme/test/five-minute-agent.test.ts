import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlatformSim } from '@molecule-ai/platform-sim';
import { startPlatformServer } from '@molecule-ai/platform-sim/node';
import { afterEach, expect, it } from 'vitest';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// The root README's "Your own agent in five minutes", step by step: the simulator in dev mode, an
// external workspace, the agent sample run with the MOLECULE_* variables the README sets, a canvas
// message answered through the agent, and the pause that ends it.
it('the five-minute agent registers, answers a canvas message and stops when paused', async () => {
  const sim = createPlatformSim({ devMode: true });
  const platform = await startPlatformServer(sim, { port: 0 });
  cleanups.push(() => platform.close());
  const tokenDir = mkdtempSync(join(tmpdir(), 'readme-agent-'));
  cleanups.push(() => rmSync(tokenDir, { recursive: true, force: true }));
  const workspace = await sim.admin.createWorkspace({ external: true, name: 'my-agent' });

  const saved = { ...process.env };
  cleanups.push(() => {
    process.env = saved;
  });
  Object.assign(process.env, {
    MOLECULE_PLATFORM_URL: platform.url,
    MOLECULE_WORKSPACE_ID: workspace.id,
    MOLECULE_WORKSPACE_TOKEN: workspace.token,
    MOLECULE_TOKEN_DIR: tokenDir,
    MOLECULE_LOG: 'error',
    MOLECULE_STATE_INTERVAL: '1',
  });
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.join(' '));
  cleanups.push(() => {
    console.log = log;
  });

  const agent = import('../samples/five-minute-agent.js');
  await expect
    .poll(() => sim.admin.workspace(workspace.id)?.url, { timeout: 15_000 })
    .toMatch(/^http:\/\/localhost:/);

  const reply = await sim.admin.sendCanvasMessage(workspace.id, 'hello');
  expect(JSON.stringify(reply.body)).toContain('You said: hello');

  await sim.admin.pause(workspace.id);
  await agent;
  expect(printed).toContain('stopped: paused');
});
