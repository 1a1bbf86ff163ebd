import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentClient, sendMessage } from '../../src/client/index.js';
import type { DeliveryRunResult, InboundDelivery, InboundMessage } from '../../src/inbound/index.js';
import { createPollDelivery } from '../../src/inbound/index.js';
import { runAgentLoopWithPorts } from '../../src/loops/index.js';
import {
  createFakeClock,
  createMemoryCursorStore,
  createMemoryTokenStore,
  createRecordingLogger,
} from '../../src/testing/index.js';
import {
  type ConnectedAgent,
  connectAgent,
  countRequests,
  POLL_AGENTS,
  type SimHarness,
  sendCanvasMessages,
  startSim,
  until,
} from '../helpers/platform.js';
import { deferred } from '../inbound/helpers.js';

/** A delivery that counts its calls around a real poll delivery. */
function countingDelivery(inner: InboundDelivery): InboundDelivery & { runs: number; stops: number } {
  const counting = {
    kind: inner.kind,
    intervalMs: inner.intervalMs,
    runs: 0,
    stops: 0,
    runOnce: (...args: Parameters<InboundDelivery['runOnce']>) => {
      counting.runs++;
      return inner.runOnce(...args);
    },
    stop: () => {
      counting.stops++;
      return inner.stop();
    },
  };
  return counting;
}

/** A delivery whose every poll fails, as a broken transport would. */
function failingDelivery(): InboundDelivery {
  return {
    kind: 'broken',
    intervalMs: 5_000,
    runOnce: async (): Promise<DeliveryRunResult> => {
      throw new TypeError('delivery exploded');
    },
    stop: async () => {},
  };
}

const heartbeats = (harness: SimHarness) =>
  harness.sim.requests
    .filter((r) => r.path === '/registry/heartbeat')
    .map((r) => r.json as Record<string, unknown>);

describe.each(['server', 'cursor'] as const)(
  'runAgentLoopWithPorts against the %s activity feed (ports of test_inbound run_agent_loop_*)',
  (feed) => {
    let harness: SimHarness;
    let agent: ConnectedAgent;
    beforeEach(async () => {
      harness = await startSim({ ...POLL_AGENTS, activityFeed: feed });
      agent = await connectAgent(harness);
    });
    afterEach(async () => {
      await harness.close();
    });

    it('run_agent_loop_exits_on_paused: returns "paused" and stops the delivery once', async () => {
      const delivery = countingDelivery(createPollDelivery({ client: agent.client }));
      const clock = createFakeClock();
      clock.onSleep = async () => harness.sim.admin.pause(agent.id);
      const exit = await runAgentLoopWithPorts(() => undefined, { client: agent.client, delivery, clock });
      expect(exit.reason).toBe('paused');
      expect(delivery.stops).toBe(1);
    });

    it('run_agent_loop_exits_on_deleted: a 404 saying deleted → "deleted" (normalised, not "removed")', async () => {
      const admin = createAgentClient({
        workspaceId: agent.id,
        platformUrl: harness.url,
        tokenStore: createMemoryTokenStore(),
        token: harness.sim.adminToken,
      });
      await harness.sim.admin.delete(agent.id);
      const exit = await runAgentLoopWithPorts(() => undefined, { client: admin, clock: createFakeClock() });
      expect(exit.reason).toBe('deleted');
    });

    it('a deleted workspace seen with its own (revoked) token → "revoked"', async () => {
      const clock = createFakeClock();
      clock.onSleep = async (_ms, index) => {
        if (index === 0) await harness.sim.admin.delete(agent.id);
      };
      expect((await runAgentLoopWithPorts(() => undefined, { client: agent.client, clock })).reason).toBe(
        'revoked',
      );
    });

    it('run_agent_loop_max_iterations: 3 ticks → 3 polls and 3 heartbeats when the intervals are equal', async () => {
      const delivery = countingDelivery(createPollDelivery({ client: agent.client, intervalMs: 5_000 }));
      const exit = await runAgentLoopWithPorts(() => undefined, {
        client: agent.client,
        delivery,
        clock: createFakeClock(),
        maxIterations: 3,
        heartbeatIntervalMs: 5_000,
        statePollIntervalMs: 5_000,
      });
      expect(exit.reason).toBe('max-iterations');
      expect(delivery.runs).toBe(3);
      expect(countRequests(harness.sim, 'POST', '/registry/heartbeat')).toBe(3);
    });

    it('run_agent_loop_default_delivery_is_poll', async () => {
      await runAgentLoopWithPorts(() => undefined, {
        client: agent.client,
        clock: createFakeClock(),
        maxIterations: 1,
      });
      expect(countRequests(harness.sim, 'GET', `/workspaces/${agent.id}/activity`)).toBe(1);
    });

    it('run_agent_loop_swallows_heartbeat_exception: still reaches "paused"', async () => {
      harness.sim.setFaults({
        rules: [{ method: 'POST', path: '/registry/heartbeat', fault: { type: 'status', status: 500 } }],
      });
      const clock = createFakeClock();
      clock.onSleep = async () => harness.sim.admin.pause(agent.id);
      expect((await runAgentLoopWithPorts(() => undefined, { client: agent.client, clock })).reason).toBe(
        'paused',
      );
    });

    it('run_agent_loop_swallows_delivery_exception: still reaches "paused"', async () => {
      const clock = createFakeClock();
      clock.onSleep = async () => harness.sim.admin.pause(agent.id);
      const exit = await runAgentLoopWithPorts(() => undefined, {
        client: agent.client,
        delivery: failingDelivery(),
        clock,
      });
      expect(exit.reason).toBe('paused');
    });

    it('push_delivery_stop_swallows_server_exception: a delivery.stop() that throws is logged and the loop still resolves with its reason', async () => {
      const logger = createRecordingLogger();
      const clock = createFakeClock();
      clock.onSleep = async () => harness.sim.admin.pause(agent.id);
      const inner = createPollDelivery({ client: agent.client });
      const delivery: InboundDelivery = {
        kind: inner.kind,
        intervalMs: inner.intervalMs,
        runOnce: (...args) => inner.runOnce(...args),
        stop: async () => {
          throw new Error('server.close exploded');
        },
      };
      const exit = await runAgentLoopWithPorts(() => undefined, {
        client: agent.client,
        delivery,
        clock,
        logger,
      });
      expect(exit.reason).toBe('paused');
      expect(logger.lines).toContainEqual({
        level: 'warn',
        message: 'the inbound delivery failed to stop',
        fields: { reason: 'server.close exploded' },
      });
    });

    it('run_agent_loop_uses_min_of_intervals: sleeps the poll interval, heartbeats only when due, no sleep after the last tick', async () => {
      const clock = createFakeClock();
      await runAgentLoopWithPorts(() => undefined, {
        client: agent.client,
        clock,
        maxIterations: 2,
        heartbeatIntervalMs: 30_000,
        pollIntervalMs: 5_000,
      });
      expect(clock.sleeps).toEqual([5_000]);
      // Python heartbeated on every 5 s tick; the heartbeat is due every 30 s.
      expect(countRequests(harness.sim, 'POST', '/registry/heartbeat')).toBe(1);
      expect(countRequests(harness.sim, 'GET', `/workspaces/${agent.id}/activity`)).toBe(2);
    });

    it('run_agent_loop_calls_task_supplier', async () => {
      await runAgentLoopWithPorts(() => undefined, {
        client: agent.client,
        clock: createFakeClock(),
        maxIterations: 1,
        taskReport: () => ({ currentTask: 'summarising', activeTasks: 3 }),
      });
      expect(heartbeats(harness)[0]).toMatchObject({ current_task: 'summarising', active_tasks: 3 });
    });

    it('run_agent_loop_swallows_task_supplier_exception: heartbeat with "" and 0', async () => {
      await runAgentLoopWithPorts(() => undefined, {
        client: agent.client,
        clock: createFakeClock(),
        maxIterations: 1,
        taskReport: () => {
          throw new Error('supplier broke');
        },
      });
      expect(heartbeats(harness)[0]).toMatchObject({ current_task: '', active_tasks: 0 });
    });

    it('by default the heartbeat reports the handlers in flight', async () => {
      await sendCanvasMessages(harness.sim, agent.id, 1, 'translate this');
      const gate = deferred();
      const clock = createFakeClock();
      const run = runAgentLoopWithPorts(() => gate.promise.then(() => 'done'), {
        client: agent.client,
        clock,
        heartbeatIntervalMs: 5_000,
        pollIntervalMs: 5_000,
        statePollIntervalMs: 5_000,
      });
      await until(() => heartbeats(harness).length >= 2);
      gate.resolve();
      await run.stop();
      const [idle, busy] = heartbeats(harness);
      expect(idle).toMatchObject({ active_tasks: 0, current_task: '' });
      expect(busy).toMatchObject({ active_tasks: 1, current_task: 'translate this-0' });
    });

    it('a canvas message reaches the handler and its reply appears as a notify', async () => {
      await sendCanvasMessages(harness.sim, agent.id, 2, 'hello');
      const clock = createFakeClock();
      const run = runAgentLoopWithPorts((message) => `echo: ${message.text}`, {
        client: agent.client,
        clock,
      });
      await until(() => harness.sim.admin.notifications(agent.id).length === 2);
      expect((await run.stop()).reason).toBe('aborted');
      expect(harness.sim.admin.notifications(agent.id).map((n) => n.message)).toEqual([
        'echo: hello-0',
        'echo: hello-1',
      ]);
    });

    it('handlers run `concurrency` at a time', async () => {
      await sendCanvasMessages(harness.sim, agent.id, 6);
      let running = 0;
      let peak = 0;
      const allIn = deferred();
      const run = runAgentLoopWithPorts(
        async () => {
          running++;
          peak = Math.max(peak, running);
          if (peak === 3) allIn.resolve();
          await allIn.promise;
          running--;
        },
        { client: agent.client, clock: createFakeClock(), concurrency: 3 },
      );
      await allIn.promise;
      await until(() => running === 0);
      await run.stop();
      expect(peak).toBe(3);
    });

    it('stop() drains: an in-flight handler finishes, its reply is sent and the cursor saved, then the loop ends', async () => {
      await sendCanvasMessages(harness.sim, agent.id, 1);
      const store = createMemoryCursorStore();
      const entered = deferred();
      const gate = deferred();
      const run = runAgentLoopWithPorts(
        async () => {
          entered.resolve();
          await gate.promise;
          return 'finished late';
        },
        { client: agent.client, clock: createFakeClock(), cursorStore: store },
      );
      await entered.promise;
      let ended = false;
      const stopping = run.stop().then((exit) => {
        ended = true;
        return exit;
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(ended).toBe(false);
      gate.resolve();
      expect((await stopping).reason).toBe('aborted');
      expect(harness.sim.admin.notifications(agent.id).map((n) => n.message)).toEqual(['finished late']);
      expect((await store.load(agent.id))?.seen).toHaveLength(1);
    });

    it('a peer message is answered through the proxy with the correlation metadata Python lacked', async () => {
      const peer = await connectAgent(harness);
      // The simulator parks messages for poll-only agents and answers 202 with a body the client does
      // not know as "queued" yet, so the send rejects although it was delivered (reported).
      await sendMessage(peer.client, agent.id, 'ping', { role: 'user', contextId: 'ctx-42' }).catch(
        () => undefined,
      );
      const inbound: InboundMessage[] = [];
      const run = runAgentLoopWithPorts(
        (message) => {
          inbound.push(message);
          return message.source === 'peer_agent' ? `pong to ${message.sourceId}` : undefined;
        },
        { client: agent.client, clock: createFakeClock() },
      );
      const replyRows = () => harness.sim.admin.activity(peer.id).filter((row) => row.source_id === agent.id);
      await until(() => replyRows().length === 1);
      await run.stop();
      const reply = replyRows()[0] as { request_body: { params: { message: Record<string, unknown> } } };
      expect(reply.request_body.params.message).toMatchObject({
        role: 'agent',
        contextId: 'ctx-42',
        parts: [{ kind: 'text', text: `pong to ${peer.id}` }],
        metadata: { inReplyTo: inbound[0]?.messageId },
      });
      expect(inbound[0]).toMatchObject({
        source: 'peer_agent',
        sourceId: peer.id,
        text: 'ping',
        contextId: 'ctx-42',
      });
    });
  },
);

describe('runAgentLoopWithPorts: backlog drain (cursor feed)', { timeout: 30_000 }, () => {
  it('drains 250 queued messages in full batches without sleeping an interval between them', async () => {
    const harness = await startSim({ ...POLL_AGENTS, activityFeed: 'cursor' });
    try {
      const agent = await connectAgent(harness);
      await sendCanvasMessages(harness.sim, agent.id, 250);
      const handled: InboundMessage[] = [];
      const clock = createFakeClock();
      let sleptBeforeLast = -1;
      const run = runAgentLoopWithPorts(
        (message) => {
          handled.push(message);
          if (handled.length === 250) sleptBeforeLast = clock.completed.length;
        },
        { client: agent.client, clock },
      );
      await until(() => handled.length === 250);
      await run.stop();
      // Every wait during the drain was cut short by a free handler slot: no poll interval elapsed.
      expect(sleptBeforeLast).toBe(0);
      expect(harness.sim.requests.filter((r) => r.path.endsWith('/activity')).length).toBeGreaterThanOrEqual(
        3,
      );
      expect(new Set(handled.map((m) => m.id)).size).toBe(250);
      expect(handled.map((m) => m.text)).toEqual(Array.from({ length: 250 }, (_, i) => `msg-${i}`));
    } finally {
      await harness.close();
    }
  });
});
