import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AgentProcess, startAgentProcess } from '../agent-process.js';
import { type Agent, createAgent, type SimHarness, sendCanvasMessages, startSim, until } from '../sim.js';

function handledLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

// Child processes on a busy machine: generous time limits (not timing assertions).
describe.each(['cursor', 'server'] as const)(
  'a polling agent killed mid-batch (%s feed)',
  { timeout: 60_000 },
  (feed) => {
    let harness: SimHarness;
    let agent: Agent;
    let dir: string;
    const processes: AgentProcess[] = [];
    beforeEach(async () => {
      harness = await startSim({ activityFeed: feed });
      agent = await createAgent(harness);
      dir = mkdtempSync(join(tmpdir(), 'molecule-crash-'));
    });
    afterEach(async () => {
      for (const p of processes.splice(0)) {
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
        await p.exited;
      }
      await harness.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('handles every message after a SIGKILL and a restart: none lost, at most the in-flight one twice', async () => {
      const total = 40;
      await sendCanvasMessages(harness.sim, agent.id, total);
      const handledFile = join(dir, 'handled.log');
      const env = {
        PLATFORM_URL: harness.url,
        WORKSPACE_ID: agent.id,
        TOKEN: agent.token,
        CURSOR_DIR: join(dir, 'state'),
        HANDLED_FILE: handledFile,
        HANDLER_DELAY_MS: '15',
      };

      const first = startAgentProcess(env);
      processes.push(first);
      await until(() => handledLines(handledFile).length >= 12, 'a dozen handled messages');
      // Kill it while a handler is running, so there is a message in flight.
      await first.waitForLine(
        (line) => line.startsWith('start ') && !first.lines.includes(`done ${line.slice(6)}`),
      );
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
      const handledBeforeCrash = handledLines(handledFile).length;
      expect(handledBeforeCrash).toBeLessThan(total);

      const second = startAgentProcess(env);
      processes.push(second);
      const ids = () => new Set(handledLines(handledFile).map((line) => line.split(' ')[0]));
      await until(() => ids().size === total, 'every message handled');
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      expect(second.lines.at(-1)).toBe('exit aborted');

      const lines = handledLines(handledFile);
      const texts = lines.map((line) => line.split(' ')[1]);
      // None lost.
      expect(new Set(texts)).toEqual(new Set(Array.from({ length: total }, (_, i) => `msg-${i}`)));
      // At most one handled twice: the one in flight when the process died.
      expect(lines.length - total).toBeLessThanOrEqual(1);
      // And the order survived the restart (oldest first).
      expect([...new Set(texts)]).toEqual(Array.from({ length: total }, (_, i) => `msg-${i}`));
    });
  },
);
