// 429 bursts with every kind of Retry-After, and which requests each retry preset repeats, against
// the simulator on a real port. Sleeps go through an injected clock and are recorded, never waited.
import {
  type AgentClient,
  type AgentClientOptions,
  ConnectionError,
  createAgentClient,
  isMoleculeError,
  RateLimitError,
  ServerError,
  sendMessage,
} from '@molecule-ai/agent-core';
import { createMemoryTokenStore, createRecordingLogger } from '@molecule-ai/agent-core/testing';
import type { Fault, FaultRule } from '@molecule-ai/platform-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sharedHttpTransport } from '../../src/http/undici-transport.js';
import { runHeartbeatLoop } from '../../src/loops/index.js';
import {
  type Agent,
  createAgent,
  leakedSecrets,
  rejectionOf,
  requestsTo,
  type SimHarness,
  startSim,
  VirtualClock,
} from './helpers.js';

let harness: SimHarness;
let agent: Agent;
beforeAll(async () => {
  harness = await startSim();
  agent = await createAgent(harness);
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.sim.setFaults(undefined);
  harness.sim.clearRequests();
});

const STATE = /^\/workspaces\/[^/]+\/state$/;
const HEARTBEAT = /^\/registry\/heartbeat$/;

/** A client of `agent` with a recording virtual clock and a jitter-free random (r = 0.5). */
function client(extra: Partial<AgentClientOptions> = {}): { client: AgentClient; clock: VirtualClock } {
  const clock = new VirtualClock();
  return {
    clock,
    client: createAgentClient({
      workspaceId: agent.id,
      transport: sharedHttpTransport(), // the Node default
      platformUrl: harness.url,
      tokenStore: createMemoryTokenStore({ [agent.id]: agent.token }),
      clock,
      random: () => 0.5,
      ...extra,
    }),
  };
}

function on(method: string, path: string, fault: Fault, count?: number): FaultRule {
  return { method, path, fault, ...(count === undefined ? {} : { count }) };
}

function expectTypedAndClean(error: unknown): void {
  expect(isMoleculeError(error)).toBe(true);
  expect(error).not.toBeInstanceOf(TypeError);
  expect(error).not.toBeInstanceOf(SyntaxError);
  expect(leakedSecrets(error, [agent.token])).toEqual([]);
}

describe('429 bursts on a GET (default preset)', () => {
  it('Retry-After: 0 (the limiter’s own value) retries at once and then succeeds', async () => {
    harness.sim.setFaults({
      rules: [on('GET', '/workspaces/:id/state', { type: 'rate-limit', retryAfter: 0 }, 2)],
    });
    const { client: c, clock } = client();
    await expect(c.pollState()).resolves.toMatchObject({ status: 'online', shouldStop: false });
    expect(requestsTo(harness.sim, 'GET', STATE).map((r) => r.status)).toEqual([429, 429, 200]);
    expect(clock.sleeps).toEqual([0, 0]);
  });

  it('a 429 that never ends: 3 retries, then RateLimitError with retryAfterMs', async () => {
    harness.sim.setFaults({
      rules: [on('GET', '/workspaces/:id/state', { type: 'rate-limit', retryAfter: 2 })],
    });
    const { client: c, clock } = client();
    const error = await rejectionOf(c.pollState());
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 2000, method: 'GET' });
    expectTypedAndClean(error);
    expect(requestsTo(harness.sim, 'GET', STATE)).toHaveLength(4);
    expect(clock.sleeps).toEqual([2000, 2000, 2000]);
  });

  it.each([
    'soon',
    '-5',
    'NaN',
    'Infinity',
    '1e400',
    '12abc',
    '0x10',
    '   ',
    'Fri, 99 Foo 2031 99:99:99 GMT',
  ])('garbage Retry-After %j falls back to the documented 1/2/4 s backoff', async (value) => {
    harness.sim.setFaults({
      rules: [
        on('GET', '/workspaces/:id/state', {
          type: 'status',
          status: 429,
          body: { error: 'rate limit exceeded' },
          headers: { 'Retry-After': value },
        }),
      ],
    });
    const { client: c, clock } = client();
    const error = await rejectionOf(c.pollState());
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBeUndefined();
    expectTypedAndClean(error);
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
    expect(requestsTo(harness.sim, 'GET', STATE)).toHaveLength(4);
  });

  it('the backoff jitter stays within ±250 ms of 1/2/4 s for any random value', async () => {
    harness.sim.setFaults({
      rules: [
        on('GET', '/workspaces/:id/state', {
          type: 'status',
          status: 429,
          headers: { 'Retry-After': 'later' },
        }),
      ],
    });
    const draws = [0, 0.999_999, 0.25];
    const { client: c, clock } = client({ random: () => draws.shift() ?? 0.5 });
    await rejectionOf(c.pollState());
    expect(clock.sleeps).toEqual([750, 2249, 3875]);
  });

  it('an HTTP-date Retry-After waits until that date (from the injected clock)', async () => {
    const clock = new VirtualClock();
    const at = new Date(clock.now() + 7_000).toUTCString();
    harness.sim.setFaults({
      rules: [
        on(
          'GET',
          '/workspaces/:id/state',
          { type: 'status', status: 429, headers: { 'Retry-After': at } },
          1,
        ),
      ],
    });
    const { client: c } = client({ clock });
    await expect(c.pollState()).resolves.toMatchObject({ status: 'online' });
    expect(clock.sleeps).toEqual([7_000]);
  });

  it('an HTTP-date in the past is ignored (computed backoff)', async () => {
    const clock = new VirtualClock();
    const at = new Date(clock.now() - 60_000).toUTCString();
    harness.sim.setFaults({
      rules: [
        on(
          'GET',
          '/workspaces/:id/state',
          { type: 'status', status: 429, headers: { 'Retry-After': at } },
          1,
        ),
      ],
    });
    const { client: c } = client({ clock });
    await c.pollState();
    expect(clock.sleeps).toEqual([1000]);
  });

  it('a huge Retry-After is capped at 30 s per sleep; the error caps it at an hour and keeps the raw header', async () => {
    harness.sim.setFaults({
      rules: [on('GET', '/workspaces/:id/state', { type: 'rate-limit', retryAfter: 1_000_000_000 })],
    });
    const { client: c, clock } = client();
    const error = await rejectionOf(c.pollState());
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(3_600_000);
    expect((error as RateLimitError).retryAfter).toBe('1000000000');
    expect(clock.sleeps).toEqual([30_000, 30_000, 30_000]);
  });

  it('the heartbeat loop never sleeps longer than backoffMaxMs for a huge Retry-After, and keeps running', async () => {
    harness.sim.setFaults({
      rules: [on('GET', '/workspaces/:id/state', { type: 'rate-limit', retryAfter: 1_000_000_000 })],
    });
    const { client: c, clock } = client();
    const logger = createRecordingLogger();
    const exit = await runHeartbeatLoop({
      client: c,
      clock,
      random: () => 0.5,
      maxIterations: 3,
      backoffMaxMs: 60_000,
      stopSignals: [],
      logger,
    });
    expect(exit.reason).toBe('max-iterations');
    expect(logger.messages('warn')).toContain('state poll failed; next try in 60 s');
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(60_000);
    // Two state polls (t = 0, then after the Retry-After floor capped at backoffMaxMs), each with 3 client retries.
    expect(requestsTo(harness.sim, 'GET', STATE)).toHaveLength(8);
  });
});

describe('the default preset and POSTs', () => {
  it.each([
    ['heartbeat', (c: AgentClient) => c.heartbeat(), '/registry/heartbeat'],
    ['register', (c: AgentClient) => c.register(), '/registry/register'],
    ['notify', (c: AgentClient) => c.notify('hello'), '/workspaces/:id/notify'],
    ['updateCard', (c: AgentClient) => c.updateCard({ name: 'x' }), '/registry/update-card'],
  ] as const)('%s: a 429 is not retried (one request, RateLimitError)', async (_name, call, path) => {
    harness.sim.setFaults({ rules: [on('POST', path, { type: 'rate-limit', retryAfter: 5 })] });
    const { client: c, clock } = client();
    const error = await rejectionOf(call(c));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 5000, method: 'POST' });
    expectTypedAndClean(error);
    expect(harness.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('a 503 on a GET is not retried either (Python parity: 429 only)', async () => {
    harness.sim.setFaults({ rules: [on('GET', '/workspaces/:id/state', { type: 'status', status: 503 })] });
    const { client: c } = client();
    const error = await rejectionOf(c.pollState());
    expect(error).toBeInstanceOf(ServerError);
    expect(requestsTo(harness.sim, 'GET', STATE)).toHaveLength(1);
  });

  it('a reset connection on a GET is not retried (ConnectionError after one request)', async () => {
    harness.sim.setFaults({ rules: [on('GET', '/workspaces/:id/state', { type: 'reset' })] });
    const { client: c } = client();
    const error = await rejectionOf(c.pollState());
    expect(error).toBeInstanceOf(ConnectionError);
    expectTypedAndClean(error);
    expect(requestsTo(harness.sim, 'GET', STATE)).toHaveLength(1);
  });
});

describe("the 'wide' preset", () => {
  it.each([500, 502, 503, 504])('GET: %i twice, then success; backoff 1 s, 2 s', async (status) => {
    harness.sim.setFaults({ rules: [on('GET', '/workspaces/:id/state', { type: 'status', status }, 2)] });
    const { client: c, clock } = client({ retry: 'wide' });
    await expect(c.pollState()).resolves.toMatchObject({ status: 'online' });
    expect(requestsTo(harness.sim, 'GET', STATE).map((r) => r.status)).toEqual([status, status, 200]);
    expect(clock.sleeps).toEqual([1000, 2000]);
  });

  it('GET: a 5xx that never ends gives ServerError after 4 attempts', async () => {
    harness.sim.setFaults({
      rules: [on('GET', '/workspaces/:id/secrets/values', { type: 'status', status: 502 })],
    });
    const { client: c, clock } = client({ retry: 'wide' });
    const error = await rejectionOf(c.pullSecrets());
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 502 });
    expectTypedAndClean(error);
    expect(harness.sim.requests).toHaveLength(4);
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
  });

  it('GET: connection resets are retried too', async () => {
    harness.sim.setFaults({ rules: [on('GET', '/workspaces/:id/state', { type: 'reset' }, 2)] });
    const { client: c } = client({ retry: 'wide' });
    await expect(c.pollState()).resolves.toMatchObject({ status: 'online' });
    expect(requestsTo(harness.sim, 'GET', STATE).map((r) => r.status)).toEqual([0, 0, 200]);
  });

  it('Retry-After: 0 gets the 250 ms floor instead of a burst', async () => {
    harness.sim.setFaults({
      rules: [on('GET', '/workspaces/:id/state', { type: 'rate-limit', retryAfter: 0 }, 2)],
    });
    const { client: c, clock } = client({ retry: 'wide' });
    await c.pollState();
    expect(clock.sleeps).toEqual([250, 250]);
  });

  it.each([
    ['heartbeat', (c: AgentClient) => c.heartbeat(), '/registry/heartbeat'],
    ['updateCard', (c: AgentClient) => c.updateCard({ name: 'x' }), '/registry/update-card'],
  ] as const)('idempotent POST %s: 503 and a reset are retried, then success', async (_name, call, path) => {
    harness.sim.setFaults({
      rules: [
        on('POST', path, { type: 'status', status: 503 }, 1),
        { method: 'POST', path, skip: 1, count: 1, fault: { type: 'reset' } },
      ],
    });
    const { client: c, clock } = client({ retry: 'wide' });
    await call(c);
    expect(harness.sim.requests.map((r) => r.status)).toEqual([503, 0, 200]);
    expect(clock.sleeps).toEqual([1000, 2000]);
  });

  it.each([
    ['register', (c: AgentClient) => c.register(), '/registry/register'],
    ['notify', (c: AgentClient) => c.notify('hello'), '/workspaces/:id/notify'],
    ['sendMessage', (c: AgentClient) => sendMessage(c, agent.id, 'to myself'), '/workspaces/:id/a2a'],
  ] as const)('non-idempotent POST %s: never retried (5xx, reset, 429)', async (_name, call, path) => {
    for (const [fault, type] of [
      [{ type: 'status', status: 500 }, ServerError],
      [{ type: 'reset' }, ConnectionError],
      [{ type: 'rate-limit', retryAfter: 0 }, RateLimitError],
    ] as const) {
      harness.sim.clearRequests();
      harness.sim.setFaults({ rules: [on('POST', path, fault)] });
      const { client: c, clock } = client({ retry: 'wide' });
      const error = await rejectionOf(call(c));
      expect(error).toBeInstanceOf(type);
      expectTypedAndClean(error);
      expect(harness.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
      expect(clock.sleeps).toEqual([]);
    }
  });

  it('the heartbeat under wide retries reaches the platform once per attempt, never more', async () => {
    harness.sim.setFaults({ rules: [on('POST', '/registry/heartbeat', { type: 'status', status: 500 })] });
    const { client: c } = client({ retry: 'wide' });
    await rejectionOf(c.heartbeat());
    expect(requestsTo(harness.sim, 'POST', HEARTBEAT)).toHaveLength(4);
  });
});
