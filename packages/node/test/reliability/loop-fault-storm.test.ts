// The loops under a fault storm from the simulator: 5xx, resets, truncated and malformed bodies on
// heartbeat, state and activity for ten (virtual) minutes, then a healthy platform. The simulator
// and the SDK share one virtual clock, so `sim.requests[].at` is the SDK's own time and the
// assertions count requests instead of measuring anything.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InboundMessage } from '@molecule-ai/agent-core';
import type { LoopExit } from '@molecule-ai/agent-core/loops';
import { createRecordingLogger } from '@molecule-ai/agent-core/testing';
import type { FaultPlan, PlatformSim, RecordedRequest } from '@molecule-ai/platform-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgentLoop, runHeartbeatLoop } from '../../src/loops/index.js';
import { createFileCursorStore } from '../../src/stores/index.js';
import { createAgent, type SimHarness, seededRandom, startSim, until, VirtualClock } from './helpers.js';

const MINUTE = 60_000;
const STORM_MS = 10 * MINUTE;

const ROUTES = {
  heartbeat: (r: RecordedRequest) => r.method === 'POST' && r.path === '/registry/heartbeat',
  state: (r: RecordedRequest) => r.method === 'GET' && /^\/workspaces\/[^/]+\/state$/.test(r.path),
  activity: (r: RecordedRequest) => r.method === 'GET' && /^\/workspaces\/[^/]+\/activity$/.test(r.path),
  notify: (r: RecordedRequest) => r.method === 'POST' && /^\/workspaces\/[^/]+\/notify$/.test(r.path),
};

/** 5xx, resets and broken bodies on the loop's three routes, with the sim's seeded probabilities. */
const STORM: FaultPlan = {
  rules: [
    {
      name: 'heartbeat-503',
      method: 'POST',
      path: '/registry/heartbeat',
      probability: 0.3,
      fault: { type: 'status', status: 503 },
    },
    {
      name: 'heartbeat-reset',
      method: 'POST',
      path: '/registry/heartbeat',
      probability: 0.15,
      fault: { type: 'reset' },
    },
    {
      name: 'state-502',
      method: 'GET',
      path: '/workspaces/:id/state',
      probability: 0.3,
      fault: { type: 'status', status: 502 },
    },
    {
      name: 'state-reset',
      method: 'GET',
      path: '/workspaces/:id/state',
      probability: 0.15,
      fault: { type: 'reset' },
    },
    {
      name: 'state-bad-json',
      method: 'GET',
      path: '/workspaces/:id/state',
      probability: 0.1,
      fault: { type: 'malformed-json' },
    },
    {
      name: 'activity-500',
      method: 'GET',
      path: '/workspaces/:id/activity',
      probability: 0.3,
      fault: { type: 'status', status: 500 },
    },
    {
      name: 'activity-reset',
      method: 'GET',
      path: '/workspaces/:id/activity',
      probability: 0.15,
      fault: { type: 'reset' },
    },
    {
      name: 'activity-truncated',
      method: 'GET',
      path: '/workspaces/:id/activity',
      probability: 0.1,
      fault: { type: 'truncate' },
    },
    {
      name: 'activity-bad-json',
      method: 'GET',
      path: '/workspaces/:id/activity',
      probability: 0.1,
      fault: { type: 'malformed-json' },
    },
  ],
};

/** The smallest gap (virtual ms) between two consecutive requests matching `route`. */
function smallestGap(requests: readonly RecordedRequest[], route: (r: RecordedRequest) => boolean): number {
  const times = requests.filter(route).map((r) => r.at);
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i++) gap = Math.min(gap, times[i]! - times[i - 1]!);
  return gap;
}

/** Requests matching `route` within [from, from + windowMs), for every window start in the run. */
function busiestWindow(sim: PlatformSim, route: (r: RecordedRequest) => boolean, windowMs: number): number {
  const times = sim.requests.filter(route).map((r) => r.at);
  let most = 0;
  for (const [i, from] of times.entries()) {
    let n = 0;
    for (let j = i; j < times.length && times[j]! < from + windowMs; j++) n++;
    most = Math.max(most, n);
  }
  return most;
}

let harness: SimHarness | undefined;
const tempDirs: string[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'reliability-'));
  tempDirs.push(dir);
  return dir;
}

describe('runAgentLoop under a fault storm', { timeout: 120_000 }, () => {
  it.each([
    ['server', 'memory'],
    ['cursor', 'file'],
  ] as const)(
    '(%s feed, %s cursor store) keeps running, backs off, then handles every queued message exactly once and stops when paused',
    async (feed, store) => {
      const clock = new VirtualClock();
      harness = await startSim({ clock, seed: 11, activityFeed: feed });
      const { sim } = harness;
      const agent = await createAgent(harness, {
        clock,
        fetch: clock.heldFetch(),
        random: seededRandom(5),
        retry: 'wide',
      });

      // Five messages wait before the agent starts; six more arrive during the storm.
      const expected: string[] = [];
      const send = async (text: string): Promise<void> => {
        expected.push(text);
        const answer = await sim.admin.sendCanvasMessage(agent.id, text);
        if (answer.status !== 202) throw new Error(`canvas message answered ${answer.status}`);
      };
      for (let i = 0; i < 5; i++) await send(`before-${i}`);
      const lateSends: Promise<void>[] = [];
      let stormOverAt: number | null = null;
      let sentAt2 = false;
      let sentAt5 = false;
      sim.setFaults(STORM);
      clock.onAdvance(() => {
        const elapsed = clock.elapsed();
        if (!sentAt2 && elapsed >= 2 * MINUTE) {
          sentAt2 = true;
          for (let i = 0; i < 3; i++) lateSends.push(send(`at-2min-${i}`));
        }
        if (!sentAt5 && elapsed >= 5 * MINUTE) {
          sentAt5 = true;
          for (let i = 0; i < 3; i++) lateSends.push(send(`at-5min-${i}`));
        }
        if (stormOverAt === null && elapsed >= STORM_MS) {
          stormOverAt = sim.requests.length;
          sim.setFaults(undefined);
        }
      });

      const handled: InboundMessage[] = [];
      let exit: LoopExit | undefined;
      const logger = createRecordingLogger();
      const run = runAgentLoop(
        async (message) => {
          handled.push(message);
          return `echo: ${message.text}`;
        },
        {
          client: agent.client,
          clock,
          random: seededRandom(9),
          pollIntervalMs: 5_000,
          stopSignals: [],
          logger,
          ...(store === 'file'
            ? { cursorStore: clock.heldCursorStore(createFileCursorStore({ directory: tempDir() })) }
            : {}),
        },
      );
      void run.done.then((value) => {
        exit = value;
      });

      await until(() => stormOverAt !== null, 'the end of the storm');
      await Promise.all(lateSends);
      await until(() => sim.admin.notifications(agent.id).length >= expected.length, 'every reply');
      expect(exit).toBeUndefined(); // ten minutes of failures did not end the loop

      // The storm really happened, with every kind of failure.
      const faulted = sim.requests.filter((r) => r.faults.length > 0);
      const kinds = new Set(faulted.flatMap((r) => r.faults));
      expect(faulted.length).toBeGreaterThanOrEqual(30);
      expect(kinds.size).toBeGreaterThanOrEqual(7);

      // No hammering: the client's retries wait ≥ 750 ms and the loop's backoff never goes below
      // the operation's half interval, so no route is hit twice within 750 virtual ms, and no
      // 30 s window holds more than two ticks' worth of attempts (1 + 3 retries each).
      for (const route of [ROUTES.heartbeat, ROUTES.state, ROUTES.activity]) {
        expect(smallestGap(sim.requests, route)).toBeGreaterThanOrEqual(750);
      }
      expect(busiestWindow(sim, ROUTES.heartbeat, 30_000)).toBeLessThanOrEqual(8);
      expect(busiestWindow(sim, ROUTES.state, 30_000)).toBeLessThanOrEqual(8);

      // Every message exactly once, every reply exactly once.
      expect(handled.map((m) => m.text).sort()).toEqual([...expected].sort());
      expect(new Set(handled.map((m) => m.id)).size).toBe(expected.length);
      const replies = sim.admin.notifications(agent.id).map((n) => n.message);
      expect(replies.sort()).toEqual(expected.map((text) => `echo: ${text}`).sort());
      expect(sim.requests.filter(ROUTES.notify)).toHaveLength(expected.length);

      // The failures were reported as warnings naming the operation and when it is tried next
      // (a heartbeat's retries usually outlast the storm's odds, so it may never warn).
      const warnings = logger.lines.filter((line) => line.level === 'warn').map((line) => line.message);
      for (const operation of ['state poll failed', 'inbound delivery failed']) {
        expect(warnings.some((w) => w.startsWith(operation) && /next try in \d+ s/.test(w))).toBe(true);
      }

      // Paused: the loop ends with the typed reason.
      await sim.admin.pause(agent.id);
      const ended = await run;
      expect(ended.reason).toBe('paused');
      expect(ended.lastStatus).toBe('paused');
      expect(ended.iterations).toBeGreaterThan(STORM_MS / 30_000);
      expect(sim.admin.notifications(agent.id)).toHaveLength(expected.length);
    },
  );
});

describe('runHeartbeatLoop under a fault storm', { timeout: 120_000 }, () => {
  it('survives ten minutes of 5xx, resets and bad JSON, then ends as revoked after exactly 3 × 401 once deleted', async () => {
    const clock = new VirtualClock();
    harness = await startSim({ clock, seed: 23 });
    const { sim } = harness;
    const agent = await createAgent(harness, {
      clock,
      fetch: clock.heldFetch(),
      random: seededRandom(3),
      retry: 'wide',
    });
    sim.setFaults(STORM);
    let deleted = false;
    let deletedAtSeq = 0;
    clock.onAdvance(() => {
      if (!deleted && clock.elapsed() >= STORM_MS) {
        deleted = true;
        sim.setFaults(undefined);
        deletedAtSeq = sim.requests.length;
        void sim.admin.delete(agent.id);
      }
    });
    const logger = createRecordingLogger();
    const exit = await runHeartbeatLoop({
      client: agent.client,
      clock,
      random: seededRandom(4),
      stopSignals: [],
      logger,
    });
    expect(exit.reason).toBe('revoked');
    expect(logger.lines.map((line) => line.message)).toContain('state poll failed; the loop stops (revoked)');
    expect(sim.requests.filter((r) => r.faults.length > 0).length).toBeGreaterThanOrEqual(20);
    const afterDelete = sim.requests.slice(deletedAtSeq).filter(ROUTES.state);
    expect(afterDelete.map((r) => r.status)).toEqual([401, 401, 401]);
    // During the storm nothing is hammered; after the delete, 401s are re-checked quickly on purpose
    // (from backoffBaseMs) to confirm the revocation.
    const storm = sim.requests.slice(0, deletedAtSeq);
    expect(smallestGap(storm, ROUTES.heartbeat)).toBeGreaterThanOrEqual(750);
    expect(smallestGap(storm, ROUTES.state)).toBeGreaterThanOrEqual(750);
  });
});
