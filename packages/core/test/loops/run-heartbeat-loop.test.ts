import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentClient } from '../../src/client/index.js';
import { runHeartbeatLoopWithPorts } from '../../src/loops/index.js';
import { createFakeClock, createMemoryTokenStore, createRecordingLogger } from '../../src/testing/index.js';
import {
  type ConnectedAgent,
  connectAgent,
  countRequests,
  POLL_AGENTS,
  type SimHarness,
  startSim,
} from '../helpers/platform.js';

const HEARTBEAT = '/registry/heartbeat';
const state = (agent: ConnectedAgent) => `/workspaces/${agent.id}/state`;

describe.each(['server', 'cursor'] as const)(
  'runHeartbeatLoopWithPorts against the %s activity feed (ports of test_remote_agent run_loop_*)',
  (feed) => {
    let harness: SimHarness;
    beforeEach(async () => {
      harness = await startSim({ ...POLL_AGENTS, activityFeed: feed });
    });
    afterEach(async () => {
      await harness.close();
    });

    it('run_loop_exits_on_max_iterations: 3 heartbeats, 3 state polls, and no sleep after the last one (Python slept)', async () => {
      const agent = await connectAgent(harness);
      const clock = createFakeClock();
      const exit = await runHeartbeatLoopWithPorts({ client: agent.client, clock, maxIterations: 3 });
      expect(exit).toEqual({ reason: 'max-iterations', iterations: 3, lastStatus: 'online' });
      expect(countRequests(harness.sim, 'POST', HEARTBEAT)).toBe(3);
      expect(countRequests(harness.sim, 'GET', state(agent))).toBe(3);
      expect(clock.sleeps).toEqual([30_000, 30_000]);
    });

    it('maxIterations 0 returns before any I/O', async () => {
      const agent = await connectAgent(harness);
      const before = harness.sim.requests.length;
      expect((await runHeartbeatLoopWithPorts({ client: agent.client, maxIterations: 0 })).reason).toBe(
        'max-iterations',
      );
      expect(harness.sim.requests.length).toBe(before);
    });

    it('run_loop_exits_on_paused: online then paused → "paused" after 2 heartbeats and 2 polls', async () => {
      const agent = await connectAgent(harness);
      const clock = createFakeClock();
      clock.onSleep = async () => harness.sim.admin.pause(agent.id);
      const exit = await runHeartbeatLoopWithPorts({ client: agent.client, clock });
      expect(exit.reason).toBe('paused');
      expect(countRequests(harness.sim, 'POST', HEARTBEAT)).toBe(2);
      expect(countRequests(harness.sim, 'GET', state(agent))).toBe(2);
    });

    it('run_loop_exits_on_deleted_404: a 404 whose body says deleted → normalised "deleted" (Python returned "removed")', async () => {
      const agent = await connectAgent(harness);
      // Only an admin credential ever sees the 404 (the agent's own token is revoked by the delete).
      const admin = createAgentClient({
        workspaceId: agent.id,
        platformUrl: harness.url,
        tokenStore: createMemoryTokenStore(),
        token: harness.sim.adminToken,
      });
      await harness.sim.admin.delete(agent.id);
      const exit = await runHeartbeatLoopWithPorts({ client: admin, clock: createFakeClock() });
      expect(exit).toMatchObject({ reason: 'deleted', iterations: 1, lastStatus: 'removed' });
      expect(countRequests(harness.sim, 'GET', state(agent))).toBe(1);
    });

    it('a real delete is a persistent 401 on /state: exits "revoked" (Python looped forever)', async () => {
      const agent = await connectAgent(harness);
      const clock = createFakeClock();
      const exit = runHeartbeatLoopWithPorts({ client: agent.client, clock, revokedAfterUnauthorized: 3 });
      clock.onSleep = async (_ms, index) => {
        if (index === 0) await harness.sim.admin.delete(agent.id);
      };
      expect((await exit).reason).toBe('revoked');
      const polls = harness.sim.requests.filter((r) => r.path === state(agent)).map((r) => r.status);
      expect(polls).toEqual([200, 401, 401, 401]);
      // The 401s are re-checked quickly (1 s, 2 s) rather than a whole state interval apart.
      expect(clock.sleeps.slice(1).every((ms) => ms <= 2_000)).toBe(true);
    });

    it('run_loop_continues_through_transient_errors: a dropped heartbeat connection does not stop the loop', async () => {
      const agent = await connectAgent(harness);
      harness.sim.setFaults({
        rules: [{ method: 'POST', path: HEARTBEAT, count: 2, fault: { type: 'reset' } }],
      });
      const exit = await runHeartbeatLoopWithPorts({
        client: agent.client,
        clock: createFakeClock(),
        maxIterations: 6,
      });
      expect(exit.reason).toBe('max-iterations');
      const statuses = harness.sim.requests.filter((r) => r.path === HEARTBEAT).map((r) => r.status);
      expect(statuses.slice(0, 3)).toEqual([0, 0, 200]);
    });

    it('run_loop_task_supplier_reported: the supplier values reach the heartbeat as integers', async () => {
      const agent = await connectAgent(harness);
      await runHeartbeatLoopWithPorts({
        client: agent.client,
        clock: createFakeClock(),
        maxIterations: 1,
        taskReport: () => ({ currentTask: 'indexing docs', activeTasks: 2.9 }),
      });
      const beat = harness.sim.requests.find((r) => r.path === HEARTBEAT)?.json as Record<string, unknown>;
      expect(beat).toMatchObject({ workspace_id: agent.id, current_task: 'indexing docs', active_tasks: 2 });
      expect(Number.isInteger(beat.uptime_seconds)).toBe(true);
      expect(harness.sim.admin.workspace(agent.id)).toMatchObject({
        currentTask: 'indexing docs',
        activeTasks: 2,
      });
    });

    it('run_agent_loop_calls_task_supplier with a Python-style snake_case report: every field reaches the platform', async () => {
      const agent = await connectAgent(harness);
      const logger = createRecordingLogger();
      await runHeartbeatLoopWithPorts({
        client: agent.client,
        clock: createFakeClock(),
        maxIterations: 2,
        logger,
        taskReport: () => ({
          current_task: 'indexing docs',
          active_tasks: 2,
          error_rate: 0.25,
          sample_error: 'timeout talking to the index',
          curent_task: 'a typo',
        }),
      });
      const beats = harness.sim.requests.filter((r) => r.path === HEARTBEAT);
      expect(beats[0]?.json).toMatchObject({
        current_task: 'indexing docs',
        active_tasks: 2,
        error_rate: 0.25,
        sample_error: 'timeout talking to the index',
      });
      expect(harness.sim.admin.workspace(agent.id)).toMatchObject({
        currentTask: 'indexing docs',
        activeTasks: 2,
      });
      // The unknown key is a warning once, however many ticks report it.
      const warnings = logger.lines.filter((l) => l.level === 'warn' && l.fields?.key === 'curent_task');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toContain('unknown key');
    });

    it('backs off with jitter while the platform is unreachable instead of hammering it at a fixed interval', async () => {
      const agent = await connectAgent(harness);
      await harness.close();
      const clock = createFakeClock();
      const exit = await runHeartbeatLoopWithPorts({
        client: agent.client,
        clock,
        maxIterations: 5,
        random: () => 1,
      });
      expect(exit.reason).toBe('max-iterations');
      // Each failure doubles the wait from the 30 s interval up to the 60 s cap (random() = 1: top of the jitter range).
      expect(clock.sleeps).toEqual([30_000, 60_000, 60_000, 60_000]);
      harness = await startSim({ ...POLL_AGENTS, activityFeed: feed });
    });

    it('stop() ends the loop with "aborted"; an aborted signal does too', async () => {
      const agent = await connectAgent(harness);
      const clock = createFakeClock();
      const run = runHeartbeatLoopWithPorts({ client: agent.client, clock });
      clock.onSleep = () => {
        void run.stop();
      };
      expect((await run).reason).toBe('aborted');
      const controller = new AbortController();
      controller.abort();
      expect(
        (await runHeartbeatLoopWithPorts({ client: agent.client, signal: controller.signal })).reason,
      ).toBe('aborted');
    });
  },
);
