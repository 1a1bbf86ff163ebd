import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgentProcess } from '../agent-process.js';
import { type Agent, createAgent, type SimHarness, sendCanvasMessages, startSim, until } from '../sim.js';

describe('runAgentLoop on Node: process signals', { timeout: 30_000 }, () => {
  let harness: SimHarness;
  let agent: Agent;
  let dir: string;
  beforeEach(async () => {
    harness = await startSim();
    agent = await createAgent(harness);
    dir = mkdtempSync(join(tmpdir(), 'molecule-signal-'));
  });
  afterEach(async () => {
    await harness.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} stops the loop cleanly: the in-flight handler finishes and replies, then the process exits 0`, async () => {
      await sendCanvasMessages(harness.sim, agent.id, 1, 'slow');
      const agentProcess = startAgentProcess({
        PLATFORM_URL: harness.url,
        WORKSPACE_ID: agent.id,
        TOKEN: agent.token,
        CURSOR_DIR: join(dir, 'state'),
        HANDLED_FILE: join(dir, 'handled.log'),
        HANDLER_DELAY_MS: '300',
        REPLY: '1',
      });
      await agentProcess.waitForLine((line) => line.startsWith('start '));
      agentProcess.child.kill(signal);
      expect(await agentProcess.exited).toBe(0);
      const events = agentProcess.lines.map((line) => line.split(' ')[0]);
      expect(events).toEqual(['ready', 'start', 'signal', 'done', 'exit']);
      expect(agentProcess.lines.at(-1)).toBe('exit aborted');
      await until(() => harness.sim.admin.notifications(agent.id).length === 1, 'the reply');
      expect(harness.sim.admin.notifications(agent.id)[0]?.message).toBe('re: slow-0');
    });
  }

  it('an idle agent stops at once on SIGTERM', async () => {
    const agentProcess = startAgentProcess({
      PLATFORM_URL: harness.url,
      WORKSPACE_ID: agent.id,
      TOKEN: agent.token,
      CURSOR_DIR: join(dir, 'state'),
      HANDLED_FILE: join(dir, 'handled.log'),
    });
    await agentProcess.waitForLine((line) => line === 'ready');
    await until(
      () => harness.sim.requests.some((r) => r.path === `/workspaces/${agent.id}/activity`),
      'a first poll',
    );
    agentProcess.child.kill('SIGTERM');
    expect(await agentProcess.exited).toBe(0);
    expect(agentProcess.lines).toEqual(['ready', 'signal SIGTERM', 'exit aborted']);
  });
});
