import { afterEach, beforeEach, describe, expect, it } from 'bun:test';
import { startBunChild } from '../helpers/bun-child.js';
import { type BunPlatform, startBunPlatform } from '../helpers/platform.js';
import { makeTempDirectory } from '../helpers/temp-directory.js';

let temp: { path: string; remove(): Promise<void> };
let platform: BunPlatform;

beforeEach(async () => {
  temp = await makeTempDirectory('molecule-bun-signals-');
  platform = startBunPlatform({ allowPlaceholderUrl: true });
});
afterEach(async () => {
  await platform.close();
  await temp.remove();
});

describe('runAgentLoop in a Bun process receiving real signals', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} drains: the in-flight handler finishes and replies, then the loop ends "aborted"`, async () => {
      const workspaceId = crypto.randomUUID();
      const agent = startBunChild('signal-agent', [platform.url, workspaceId, temp.path, 'finish']);
      await agent.waitForLine((line) => line === 'running');
      expect((await platform.sim.admin.sendCanvasMessage(workspaceId, 'work')).status).toBe(202);
      await agent.waitForLine((line) => line === 'handling work');
      agent.process.kill(signal);
      const result = await agent.done;
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
      const lines = result.stdout.trim().split('\n');
      expect(lines.slice(-2)).toEqual([`signal ${signal}`, 'stopped aborted']);
      expect(platform.sim.admin.notifications(workspaceId).map((n) => n.message)).toEqual(['done: work']);
    }, 20_000);
  }

  it('a second signal while draining ends the process at once', async () => {
    const workspaceId = crypto.randomUUID();
    const agent = startBunChild('signal-agent', [platform.url, workspaceId, temp.path, 'hang']);
    await agent.waitForLine((line) => line === 'running');
    await platform.sim.admin.sendCanvasMessage(workspaceId, 'stuck');
    await agent.waitForLine((line) => line === 'handling stuck');
    agent.process.kill('SIGTERM');
    await agent.waitForLine((line) => line === 'signal SIGTERM');
    agent.process.kill('SIGTERM');
    const result = await agent.done;
    expect(result.signalCode).toBe('SIGTERM');
    expect(result.stdout).not.toContain('stopped');
  }, 20_000);
});
