import { runAgent } from '@molecule-ai/agent-node';
import { afterEach, expect, it } from 'vitest';
import {
  afterTest,
  printedLines,
  setEnvironment,
  startPlatform,
  tokenDirectory,
  undoAll,
} from './sample-host.js';

afterEach(undoAll);

// The core README's "One minute": the client registers, heartbeats, reads its state and calls its
// one peer (a runAgent agent serving pushes), whose answer it prints. The sample registers no URL
// (it only calls out), so this simulator accepts the poll-only placeholder.
it('the core client sample registers, reads its state and prints its peer’s answer', async () => {
  const { sim, url } = await startPlatform({ devMode: true, allowPlaceholderUrl: true, rateLimit: false });
  const tokenDir = tokenDirectory();
  const team = await sim.admin.createWorkspace({ name: 'team' });
  const me = await sim.admin.createWorkspace({ external: true, name: 'me', parentId: team.id });
  const peer = await sim.admin.createWorkspace({ external: true, name: 'peer', parentId: team.id });
  const stopPeer = new AbortController();
  const peerRun = runAgent((message) => `summary of: ${message.text}`, {
    platformUrl: url,
    workspaceId: peer.id,
    token: peer.token,
    tokenDir,
    listen: '127.0.0.1:0',
    stopSignals: [],
    signal: stopPeer.signal,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  afterTest(() => {
    stopPeer.abort();
    return peerRun;
  });
  await expect
    .poll(() => sim.admin.workspace(peer.id)?.url, { timeout: 15_000 })
    .toMatch(/^http:\/\/localhost:/);

  setEnvironment({
    MOLECULE_PLATFORM_URL: url,
    MOLECULE_WORKSPACE_ID: me.id,
    MOLECULE_WORKSPACE_TOKEN: me.token ?? '',
    MOLECULE_TOKEN_DIR: tokenDir,
  });
  const printed = printedLines();

  await import('../samples/core-client.js');
  expect(printed).toEqual(['status: online', 'summary of: Summarise the docs']);
  expect(sim.admin.workspace(me.id)?.lastHeartbeatAt).not.toBeNull();
});
