// Broken answers from the platform on a real socket: resets, bodies cut short or stalled, bad
// JSON, wrong types, wrong content types, oversized bodies. Each one is a typed SDK error (never
// a TypeError or SyntaxError from deep inside), and no error shows the token however it is printed.
import {
  type AgentClient,
  type AgentClientOptions,
  ConnectionError,
  createAgentClient,
  InvalidResponseError,
  isMoleculeError,
  ServerError,
  TimeoutError,
} from '@molecule-ai/agent-core';
import { createMemoryTokenStore } from '@molecule-ai/agent-core/testing';
import type { Fault } from '@molecule-ai/platform-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sharedHttpTransport } from '../../src/http/undici-transport.js';
import { type Agent, createAgent, leakedSecrets, rejectionOf, type SimHarness, startSim } from './helpers.js';

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

function client(extra: Partial<AgentClientOptions> = {}): AgentClient {
  return createAgentClient({
    workspaceId: agent.id,
    transport: sharedHttpTransport(), // the Node default
    platformUrl: harness.url,
    tokenStore: createMemoryTokenStore({ [agent.id]: agent.token }),
    ...extra,
  });
}

/** Every call that reads a platform answer, with the route its fault rule matches. */
const CALLS = [
  ['pollState', 'GET', '/workspaces/:id/state', (c: AgentClient) => c.pollState()],
  ['pullSecrets', 'GET', '/workspaces/:id/secrets/values', (c: AgentClient) => c.pullSecrets()],
  ['getPeers', 'GET', '/registry/:id/peers', (c: AgentClient) => c.getPeers()],
  ['fetchActivity', 'GET', '/workspaces/:id/activity', (c: AgentClient) => c.fetchActivity()],
  ['heartbeat', 'POST', '/registry/heartbeat', (c: AgentClient) => c.heartbeat()],
  ['register', 'POST', '/registry/register', (c: AgentClient) => c.register()],
  ['notify', 'POST', '/workspaces/:id/notify', (c: AgentClient) => c.notify('hi')],
] as const;

type ErrorClass = abstract new (...args: never[]) => Error;

async function failsWith(
  call: (c: AgentClient) => Promise<unknown>,
  method: string,
  path: string,
  fault: Fault,
  expected: ErrorClass,
  extra: Partial<AgentClientOptions> = {},
): Promise<unknown> {
  harness.sim.setFaults({ rules: [{ method, path, fault }] });
  const error = await rejectionOf(call(client(extra)));
  expect(error).toBeInstanceOf(expected);
  expect(isMoleculeError(error)).toBe(true);
  expect(error).not.toBeInstanceOf(TypeError);
  expect(error).not.toBeInstanceOf(SyntaxError);
  expect(leakedSecrets(error, [agent.token])).toEqual([]);
  expect(harness.sim.requests.some((r) => r.faults.length > 0)).toBe(true);
  return error;
}

describe.each(CALLS)('%s with a broken answer', (_name, method, path, call) => {
  it('connection reset before any answer → ConnectionError (not a timeout)', async () => {
    const error = await failsWith(call, method, path, { type: 'reset' }, ConnectionError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ method });
  });

  it('connection cut mid-body → ConnectionError', async () => {
    await failsWith(call, method, path, { type: 'stream-error', afterBytes: 1 }, ConnectionError);
  });

  it('body truncated (matching Content-Length) → InvalidResponseError', async () => {
    await failsWith(call, method, path, { type: 'truncate', bytes: 1 }, InvalidResponseError);
  });

  it('malformed JSON → InvalidResponseError', async () => {
    await failsWith(call, method, path, { type: 'malformed-json' }, InvalidResponseError);
  });

  it('an HTML page with 200 and text/html → InvalidResponseError', async () => {
    await failsWith(
      call,
      method,
      path,
      { type: 'replace-body', body: '<html><body>maintenance</body></html>', contentType: 'text/html' },
      InvalidResponseError,
    );
  });

  it('JSON of the wrong shape → InvalidResponseError naming the call', async () => {
    const error = await failsWith(
      call,
      method,
      path,
      { type: 'replace-body', body: '"just a string"', contentType: 'application/json' },
      InvalidResponseError,
    );
    expect((error as InvalidResponseError).source).toContain(method);
  });

  it('a body larger than maxResponseBytes → InvalidResponseError, not an out-of-memory', async () => {
    const huge = JSON.stringify({ status: 'x'.repeat(256 * 1024) });
    await failsWith(
      call,
      method,
      path,
      { type: 'replace-body', body: huge, contentType: 'application/json' },
      InvalidResponseError,
      { maxResponseBytes: 64 * 1024 },
    );
  });

  it('a body that trickles past the per-attempt timeout → TimeoutError', async () => {
    const error = await failsWith(
      call,
      method,
      path,
      [
        { type: 'replace-body', body: JSON.stringify({ status: 'ok', pad: 'x'.repeat(64) }) },
        { type: 'slow-body', delayMs: 60, chunkBytes: 4 },
      ] as unknown as Fault,
      TimeoutError,
      { timeouts: { control: 150, inbound: 150 } },
    );
    expect(error).toMatchObject({ code: 'timeout' });
  });

  it('headers that never come within the timeout → TimeoutError', async () => {
    await failsWith(call, method, path, { type: 'latency', ms: 1_500 }, TimeoutError, {
      timeouts: { control: 100, inbound: 100 },
    });
  });
});

describe('answers the SDK tolerates or classifies by status', () => {
  it('a valid JSON body is read whatever the Content-Type says', async () => {
    harness.sim.setFaults({
      rules: [{ path: '/workspaces/:id/state', fault: { type: 'content-type', value: 'text/html' } }],
    });
    await expect(client().pollState()).resolves.toMatchObject({ status: 'online', shouldStop: false });
    expect(harness.sim.requests[0]!.responseHeaders['content-type']).toBe('text/html');
  });

  it('an HTML 502 from a proxy in front of the platform → ServerError with the status', async () => {
    harness.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/state',
          fault: {
            type: 'replace-body',
            body: '<html>502 Bad Gateway</html>',
            contentType: 'text/html',
            status: 502,
          },
        },
      ],
    });
    const error = await rejectionOf(client().pollState());
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 502 });
  });

  it.each([
    [
      'state with paused: "yes"',
      '/workspaces/:id/state',
      { paused: 'yes' },
      (c: AgentClient) => c.pollState(),
    ],
    ['state as an array', '/workspaces/:id/state', [], (c: AgentClient) => c.pollState()],
    [
      'secrets with a number value',
      '/workspaces/:id/secrets/values',
      { KEY: 1 },
      (c: AgentClient) => c.pullSecrets(),
    ],
    ['peers as an object', '/registry/:id/peers', { peers: [] }, (c: AgentClient) => c.getPeers()],
    ['activity as a number', '/workspaces/:id/activity', 42, (c: AgentClient) => c.fetchActivity()],
    ['heartbeat status as a number', '/registry/heartbeat', { status: 7 }, (c: AgentClient) => c.heartbeat()],
    ['register token as a number', '/registry/register', { auth_token: 7 }, (c: AgentClient) => c.register()],
  ])('%s → InvalidResponseError', async (_what, path, body, call) => {
    harness.sim.setFaults({
      rules: [
        {
          path,
          fault: { type: 'replace-body', body: JSON.stringify(body), contentType: 'application/json' },
        },
      ],
    });
    const error = await rejectionOf(call(client()));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).issues.length).toBeGreaterThan(0);
  });

  it('activity rows that do not validate are dropped, the good ones kept', async () => {
    const rows = [
      { nope: true },
      { id: 'row-1', activity_type: 'a2a_receive', created_at: '2031-01-01T00:00:00Z' },
      'garbage',
      null,
    ];
    harness.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/activity',
          fault: { type: 'replace-body', body: JSON.stringify(rows), contentType: 'application/json' },
        },
      ],
    });
    const got = await client().fetchActivity();
    expect(got.map((row) => row.id)).toEqual(['row-1']);
  });
});
