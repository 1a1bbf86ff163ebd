// The platform's database goes away: strict routes answer 503 `platform_unavailable` (the org-token
// lookup fails closed), registry routes fail open into 500s. The SDK must read all of it as
// "try again later", never as revoked, deleted or paused.
import {
  type AgentClient,
  createAgentClient,
  type InboundMessage,
  ServerError,
} from '@molecule-ai/agent-core';
import { classifyLoopFailure, type LoopExit } from '@molecule-ai/agent-core/loops';
import { createMemoryTokenStore, createRecordingLogger } from '@molecule-ai/agent-core/testing';
import type { FaultRule } from '@molecule-ai/platform-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { sharedHttpTransport } from '../../src/http/undici-transport.js';
import { runAgentLoop } from '../../src/loops/index.js';
import {
  type Agent,
  createAgent,
  rejectionOf,
  type SimHarness,
  seededRandom,
  startSim,
  until,
  VirtualClock,
} from './helpers.js';

let harness: SimHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const STRICT_CALLS = [
  ['pollState', 'GET', '/workspaces/:id/state', (c: AgentClient) => c.pollState()],
  ['pullSecrets', 'GET', '/workspaces/:id/secrets/values', (c: AgentClient) => c.pullSecrets()],
  ['fetchActivity', 'GET', '/workspaces/:id/activity', (c: AgentClient) => c.fetchActivity()],
  ['notify', 'POST', '/workspaces/:id/notify', (c: AgentClient) => c.notify('hello')],
] as const;

function clientOf(h: SimHarness, agent: Agent, clock: VirtualClock, retry: 'default' | 'wide'): AgentClient {
  return createAgentClient({
    workspaceId: agent.id,
    transport: sharedHttpTransport(), // the Node default
    platformUrl: h.url,
    tokenStore: createMemoryTokenStore({ [agent.id]: agent.token }),
    clock,
    random: () => 0.5,
    retry,
  });
}

describe('a datastore outage on the strict /workspaces/:id/* routes', () => {
  it.each(STRICT_CALLS)(
    '%s: 503 platform_unavailable → ServerError the loop treats as transient',
    async (_name, method, path, call) => {
      harness = await startSim();
      const agent = await createAgent(harness);
      harness.sim.setFaults({ rules: [{ method, path, fault: { type: 'datastore-down' } }] });
      const error = await rejectionOf(call(clientOf(harness, agent, new VirtualClock(), 'default')));
      expect(error).toBeInstanceOf(ServerError);
      expect(error).toMatchObject({ status: 503, body: { code: 'platform_unavailable' } });
      expect(classifyLoopFailure(error)).toEqual({ kind: 'unreachable', status: 503 });
    },
  );

  it.each(STRICT_CALLS.filter(([, method]) => method === 'GET'))(
    "%s with the 'wide' preset rides out a short outage (two failed attempts, then the answer)",
    async (_name, method, path, call) => {
      harness = await startSim();
      const agent = await createAgent(harness);
      harness.sim.clearRequests();
      harness.sim.setFaults({ rules: [{ method, path, count: 2, fault: { type: 'datastore-down' } }] });
      const clock = new VirtualClock();
      await call(clientOf(harness, agent, clock, 'wide'));
      expect(harness.sim.requests.map((r) => r.status)).toEqual([503, 503, 200]);
      expect(clock.sleeps).toEqual([1000, 2000]);
    },
  );

  it('notify is not retried even under wide (not idempotent): one request, one ServerError', async () => {
    harness = await startSim();
    const agent = await createAgent(harness);
    harness.sim.clearRequests();
    harness.sim.setFaults({ rules: [{ path: '/workspaces/:id/notify', fault: { type: 'datastore-down' } }] });
    const error = await rejectionOf(clientOf(harness, agent, new VirtualClock(), 'wide').notify('x'));
    expect(error).toBeInstanceOf(ServerError);
    expect(harness.sim.requests).toHaveLength(1);
  });
});

describe('the agent loop through a five-minute datastore outage', { timeout: 120_000 }, () => {
  it('keeps polling with backoff, is never read as revoked or deleted, and delivers everything afterwards', async () => {
    const clock = new VirtualClock();
    harness = await startSim({ clock, seed: 5 });
    const { sim } = harness;
    const agent = await createAgent(harness, { clock, fetch: clock.heldFetch(), random: seededRandom(1) });
    const texts = ['one', 'two', 'three'];
    for (const text of texts) await sim.admin.sendCanvasMessage(agent.id, text);

    const down: FaultRule[] = [
      '/registry/heartbeat',
      '/workspaces/:id/state',
      '/workspaces/:id/activity',
      '/workspaces/:id/notify',
    ].map((path) => ({ path, fault: { type: 'datastore-down' } }));
    sim.setFaults({ rules: down });
    let outageEndSeq: number | null = null;
    clock.onAdvance(() => {
      if (outageEndSeq === null && clock.elapsed() >= 5 * 60_000) {
        outageEndSeq = sim.requests.length;
        sim.setFaults(undefined);
      }
    });

    const handled: InboundMessage[] = [];
    let exit: LoopExit | undefined;
    const logger = createRecordingLogger();
    const run = runAgentLoop(
      async (message) => {
        handled.push(message);
        return `got ${message.text}`;
      },
      { client: agent.client, clock, random: seededRandom(2), stopSignals: [], logger },
    );
    void run.done.then((value) => {
      exit = value;
    });
    await until(() => sim.admin.notifications(agent.id).length === texts.length, 'every reply');
    expect(exit).toBeUndefined();

    const duringOutage = sim.requests.slice(0, outageEndSeq ?? 0);
    const stateAnswers = duringOutage.filter((r) => r.method === 'GET' && r.path.endsWith('/state'));
    // Many consecutive failed state polls (well past the 3 that mean "revoked" for 401s).
    expect(stateAnswers.length).toBeGreaterThanOrEqual(4);
    expect(new Set(stateAnswers.map((r) => r.status))).toEqual(new Set([503]));
    expect(duringOutage.some((r) => r.path === '/registry/heartbeat' && r.status === 500)).toBe(true);
    // Backoff: five minutes of a 5 s poll interval would be 60 polls; failures slow it down.
    const polls = duringOutage.filter((r) => r.path.endsWith('/activity'));
    expect(polls.length).toBeGreaterThan(3);
    expect(polls.length).toBeLessThan(60);
    // The outage was reported as it happened, with the 503's text and the next try.
    expect(
      logger.messages('warn').filter((m) => /^state poll failed; next try in \d+ s$/.test(m)).length,
    ).toBe(stateAnswers.length);
    expect(logger.text()).toContain('platform datastore');
    // Nothing was handled (or replied to) while the feed was down, everything exactly once after.
    expect(duringOutage.some((r) => r.path.endsWith('/notify'))).toBe(false);
    expect(handled.map((m) => m.text).sort()).toEqual([...texts].sort());
    expect(
      sim.admin
        .notifications(agent.id)
        .map((n) => n.message)
        .sort(),
    ).toEqual(texts.map((t) => `got ${t}`).sort());

    await sim.admin.pause(agent.id);
    await expect(run).resolves.toMatchObject({ reason: 'paused', lastStatus: 'paused' });
  });
});
