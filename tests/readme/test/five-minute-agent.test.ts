import { afterEach, expect, it } from 'vitest';
import { printedLines, setEnvironment, startPlatform, tokenDirectory, undoAll } from './sample-host.js';

afterEach(undoAll);

// The root README's "Your own agent in five minutes", step by step: the simulator in dev mode, an
// external workspace, the agent sample run with the MOLECULE_* variables the README sets, a canvas
// message answered through the agent, and the pause that ends it.
it('the five-minute agent registers, answers a canvas message and stops when paused', async () => {
  const { sim, url } = await startPlatform({ devMode: true });
  const workspace = await sim.admin.createWorkspace({ external: true, name: 'my-agent' });
  setEnvironment({
    MOLECULE_PLATFORM_URL: url,
    MOLECULE_WORKSPACE_ID: workspace.id,
    MOLECULE_WORKSPACE_TOKEN: workspace.token ?? '',
    MOLECULE_TOKEN_DIR: tokenDirectory(),
    MOLECULE_LOG: 'error',
    MOLECULE_STATE_INTERVAL: '1',
  });
  const printed = printedLines();

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
