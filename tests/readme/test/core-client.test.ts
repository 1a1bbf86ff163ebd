import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAgent } from '@molecule-ai/agent-node';
import { createPlatformSim } from '@molecule-ai/platform-sim';
import { startPlatformServer } from '@molecule-ai/platform-sim/node';
import { afterEach, expect, it } from 'vitest';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// The core README's "One minute": the client registers, heartbeats, reads its state and calls its
// one peer (a runAgent agent serving pushes), whose answer it prints. The sample registers no URL
// (it only calls out), so this simulator accepts the poll-only placeholder.
it('the core client sample registers, reads its state and prints its peer’s answer', async () => {
  const sim = createPlatformSim({ devMode: true, allowPlaceholderUrl: true, rateLimit: false });
  const platform = await startPlatformServer(sim, { port: 0 });
  cleanups.push(() => platform.close());
  const tokenDir = mkdtempSync(join(tmpdir(), 'readme-core-'));
  cleanups.push(() => rmSync(tokenDir, { recursive: true, force: true }));

  const team = await sim.admin.createWorkspace({ name: 'team' });
  const me = await sim.admin.createWorkspace({ external: true, name: 'me', parentId: team.id });
  const peer = await sim.admin.createWorkspace({ external: true, name: 'peer', parentId: team.id });
  const stopPeer = new AbortController();
  const peerRun = runAgent((message) => `summary of: ${message.text}`, {
    platformUrl: platform.url,
    workspaceId: peer.id,
    token: peer.token,
    tokenDir,
    listen: '127.0.0.1:0',
    stopSignals: [],
    signal: stopPeer.signal,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  cleanups.push(() => {
    stopPeer.abort();
    return peerRun;
  });
  await expect
    .poll(() => sim.admin.workspace(peer.id)?.url, { timeout: 15_000 })
    .toMatch(/^http:\/\/localhost:/);

  const saved = { ...process.env };
  cleanups.push(() => {
    process.env = saved;
  });
  Object.assign(process.env, {
    MOLECULE_PLATFORM_URL: platform.url,
    MOLECULE_WORKSPACE_ID: me.id,
    MOLECULE_WORKSPACE_TOKEN: me.token,
    MOLECULE_TOKEN_DIR: tokenDir,
  });
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.join(' '));
  cleanups.push(() => {
    console.log = log;
  });

  await import('../samples/core-client.js');
  expect(printed).toEqual(['status: online', 'summary of: Summarise the docs']);
  expect(sim.admin.workspace(me.id)?.lastHeartbeatAt).not.toBeNull();
});
