// A delegation whose answer is lost on the way back: the platform started it, the connection broke
// before the agent heard. The 'wide' preset may repeat the POST only because the idempotency key
// makes the platform recognise it; the target must receive the task exactly once.
import { type AgentClient, ConnectionError, createAgentClient } from '@molecule-ai/agent-core';
import { createMemoryTokenStore } from '@molecule-ai/agent-core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedHttpTransport } from '../../src/http/undici-transport.js';
import {
  type Agent,
  createAgent,
  jsonRpcReply,
  type RecordingServer,
  rejectionOf,
  type SimHarness,
  startRecordingServer,
  startSim,
  VirtualClock,
} from './helpers.js';

let harness: SimHarness;
let target: RecordingServer;
let source: Agent;
let targetAgent: Agent;
beforeEach(async () => {
  harness = await startSim({ devMode: true, delegationRetryDelayMs: 0 });
  target = await startRecordingServer((request, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(jsonRpcReply(request.body, 'done'));
  });
  source = await createAgent(harness);
  targetAgent = await createAgent(harness, { reportedUrl: target.url });
});
afterEach(async () => {
  await target.close();
  await harness.close();
});

function client(retry: 'default' | 'wide'): { client: AgentClient; clock: VirtualClock } {
  const clock = new VirtualClock();
  return {
    clock,
    client: createAgentClient({
      workspaceId: source.id,
      transport: sharedHttpTransport(), // the Node default
      platformUrl: harness.url,
      tokenStore: createMemoryTokenStore({ [source.id]: source.token }),
      clock,
      random: () => 0.5,
      retry,
    }),
  };
}

const delegatePosts = (): number =>
  harness.sim.requests.filter((r) => r.method === 'POST' && r.path === `/workspaces/${source.id}/delegate`)
    .length;

describe('delegate when the answer is lost after the platform acted', { timeout: 30_000 }, () => {
  it("'wide': the repeat carries the same key, the platform answers idempotent_hit, the target gets the task once", async () => {
    harness.sim.setFaults({
      rules: [
        { method: 'POST', path: '/workspaces/:id/delegate', count: 1, fault: { type: 'stream-error' } },
      ],
    });
    const { client: c, clock } = client('wide');
    const result = await c.delegate('summarise the docs', targetAgent.id);
    await harness.sim.settle();
    expect(delegatePosts()).toBe(2);
    const keys = harness.sim.requests
      .filter((r) => r.path.endsWith('/delegate'))
      .map((r) => (r.json as { idempotency_key: string }).idempotency_key);
    expect(new Set(keys).size).toBe(1);
    expect(result).toMatchObject({ idempotentHit: true, idempotencyKey: keys[0] });
    expect(clock.sleeps).toEqual([1000]);
    expect(target.received).toHaveLength(1);
  });

  it('default preset: the broken answer is a ConnectionError, nothing is repeated', async () => {
    harness.sim.setFaults({
      rules: [
        { method: 'POST', path: '/workspaces/:id/delegate', count: 1, fault: { type: 'stream-error' } },
      ],
    });
    const error = await rejectionOf(client('default').client.delegate('summarise the docs', targetAgent.id));
    await harness.sim.settle();
    expect(error).toBeInstanceOf(ConnectionError);
    expect(delegatePosts()).toBe(1);
    expect(target.received).toHaveLength(1);
  });
});
