import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPollDelivery, type InboundMessage } from '../../src/inbound/index.js';
import {
  type AgentTickContext,
  createAgentTickContext,
  initialLoopState,
  type LoopState,
  resolveLoopPolicy,
  runAgentTick,
} from '../../src/loops/index.js';
import { silentLogger } from '../../src/ports/logger.js';
import { createFakeClock, createMemoryCursorStore } from '../../src/testing/index.js';
import {
  type ConnectedAgent,
  connectAgent,
  POLL_AGENTS,
  type SimHarness,
  sendCanvasMessages,
  startSim,
} from '../helpers/platform.js';

/** What a Worker does on each cron tick: rebuild the context, load the state, run one tick, save. */
function workerContext(
  agent: ConnectedAgent,
  handled: InboundMessage[],
  clock = createFakeClock(),
): AgentTickContext {
  return createAgentTickContext({
    client: agent.client,
    replyClient: agent.client,
    handler: (message: InboundMessage) => {
      handled.push(message);
      return `re: ${message.text}`;
    },
    handlerContext: {},
    delivery: createPollDelivery({ client: agent.client, cursorStore: store }),
    policy: resolveLoopPolicy({ deliveryIntervalMs: 60_000 }),
    clock,
    random: () => 0.5,
    logger: silentLogger,
    waitForHandlers: true,
  });
}

// One cursor store per test: the seeded simulator gives every test's workspace the same id.
let store = createMemoryCursorStore();

describe.each(['server', 'cursor'] as const)('runAgentTick: one tick per cron run (%s feed)', (feed) => {
  let harness: SimHarness;
  let agent: ConnectedAgent;
  beforeEach(async () => {
    store = createMemoryCursorStore();
    harness = await startSim({ ...POLL_AGENTS, activityFeed: feed });
    agent = await connectAgent(harness);
  });
  afterEach(async () => {
    await harness.close();
  });

  it('a tick heartbeats, handles and answers every queued message before returning, and says when to come back', async () => {
    await sendCanvasMessages(harness.sim, agent.id, 3);
    const handled: InboundMessage[] = [];
    const context = workerContext(agent, handled);
    const step = await runAgentTick(context, initialLoopState(context.clock.now()), { type: 'start' });
    expect(step.plan).toEqual({ heartbeat: true, deliver: true, pollState: true });
    expect(step.delivery).toMatchObject({ fetched: 3, dispatched: 3 });
    expect(handled.map((m) => m.text)).toEqual(['msg-0', 'msg-1', 'msg-2']);
    expect(harness.sim.admin.notifications(agent.id).map((n) => n.message)).toEqual([
      're: msg-0',
      're: msg-1',
      're: msg-2',
    ]);
    expect(step.next).toMatchObject({ action: 'sleep', delayMs: 30_000 });
  });

  it('the state survives JSON between ticks; the next tick handles only what is new', async () => {
    await sendCanvasMessages(harness.sim, agent.id, 2);
    const handled: InboundMessage[] = [];
    const clock = createFakeClock();
    let saved = JSON.stringify(initialLoopState(clock.now()));
    const tick = async (first: boolean) => {
      // A fresh context per tick, as a Worker invocation would build it.
      const step = await runAgentTick(workerContext(agent, handled, clock), JSON.parse(saved) as LoopState, {
        type: first ? 'start' : 'wake',
      });
      saved = JSON.stringify(step.next.state);
      return step;
    };
    await tick(true);
    await sendCanvasMessages(harness.sim, agent.id, 1, 'later');
    await clock.sleep(60_000);
    const second = await tick(false);
    expect(second.plan).toEqual({ heartbeat: true, deliver: true, pollState: true });
    expect(handled.map((m) => m.text)).toEqual(['msg-0', 'msg-1', 'later-0']);
    expect((JSON.parse(saved) as LoopState).iteration).toBe(2);
  });

  it('a tick that finds nothing due does no I/O', async () => {
    const context = workerContext(agent, []);
    const first = await runAgentTick(context, initialLoopState(context.clock.now()), { type: 'start' });
    const before = harness.sim.requests.length;
    const again = await runAgentTick(context, first.next.state);
    expect(again.plan).toEqual({ heartbeat: false, deliver: false, pollState: false });
    expect(again.next).toMatchObject({ action: 'sleep' });
    expect(harness.sim.requests.length).toBe(before);
  });

  it('a paused workspace makes the tick decide to stop, typed', async () => {
    await harness.sim.admin.pause(agent.id);
    const context = workerContext(agent, []);
    const step = await runAgentTick(context, initialLoopState(context.clock.now()), { type: 'start' });
    expect(step.next).toMatchObject({ action: 'stop', reason: 'paused' });
    expect(step.next.state.stopped).toBe('paused');
    // Later ticks keep saying so without touching the platform.
    const before = harness.sim.requests.length;
    expect((await runAgentTick(context, step.next.state)).next).toMatchObject({
      action: 'stop',
      reason: 'paused',
    });
    expect(harness.sim.requests.length).toBe(before);
  });
});
