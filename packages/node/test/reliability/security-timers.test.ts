// Timer overflow. Node fires a setTimeout longer than 2^31-1 ms at once, so a 30-day interval
// spun the loop, and a hostile Retry-After (1e300, a date in the year 9999) reached the caller as
// `retryAfterMs`. Long sleeps now wait in chunks, configuration refuses intervals beyond a day, and
// errors expose a capped delay next to the raw header.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConfigError,
  callPeer,
  createAgentClient,
  PeerBusyError,
  RateLimitError,
} from '@molecule-ai/agent-core';
import { systemClock } from '@molecule-ai/agent-core/ports';
import { createMemoryTokenStore } from '@molecule-ai/agent-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgentLoop, runHeartbeatLoop } from '../../src/loops/index.js';
import { createAgent, rejectionOf, startSim } from './helpers.js';

const WORKSPACE = '0b7f3c9e-5b0e-4a55-8d57-6c2a3f3e9d10';
const DAY = 86_400_000;
const ONE_HOUR = 3_600_000;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A platform that answers everything with 429 and the given Retry-After header. */
async function rateLimitingPlatform(retryAfter: string): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter });
    res.end('{"error":"rate limit exceeded"}');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Whether `promise` settles within `ms` of real time (no timing claim: a missed chunking settles at once). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await new Promise((resolve) => setTimeout(resolve, ms));
  return settled;
}

describe('timer overflow', { timeout: 30_000 }, () => {
  it.each([
    ['30 days', 30 * DAY],
    ['2^31 ms', 2 ** 31],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('systemClock.sleep(%s) waits (in chunks) until aborted instead of returning at once', async (_, ms) => {
    const controller = new AbortController();
    const sleeping = systemClock.sleep(ms, controller.signal);
    expect(await settlesWithin(sleeping, 100)).toBe(false);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
  });

  it.each([
    ['pollIntervalMs', { pollIntervalMs: 30 * DAY }],
    ['heartbeatIntervalMs', { heartbeatIntervalMs: 30 * DAY }],
    ['statePollIntervalMs', { statePollIntervalMs: 2 ** 31 }],
  ])('runAgentLoop refuses a %s beyond a day with a ConfigError', async (name, intervals) => {
    const harness = await startSim();
    try {
      const agent = await createAgent(harness);
      let error: unknown;
      try {
        const run = runAgentLoop(() => undefined, { client: agent.client, stopSignals: [], ...intervals });
        await run.stop(); // only reached when the interval was accepted
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(name);
      expect((error as Error).message).toContain('one day');
    } finally {
      await harness.close();
    }
  });

  it('runHeartbeatLoop and the client timeouts refuse beyond a day too', async () => {
    const client = createAgentClient({
      workspaceId: WORKSPACE,
      platformUrl: 'http://127.0.0.1:9',
      tokenStore: createMemoryTokenStore(),
    });
    expect(() => runHeartbeatLoop({ client, heartbeatIntervalMs: 40 * DAY, stopSignals: [] })).toThrow(
      ConfigError,
    );
    expect(() =>
      createAgentClient({
        workspaceId: WORKSPACE,
        platformUrl: 'http://127.0.0.1:9',
        tokenStore: createMemoryTokenStore(),
        timeouts: { pluginDownloadIdle: 30 * DAY },
      }),
    ).toThrow(/timeouts\.pluginDownloadIdle.*one day/);
    expect(() =>
      createAgentClient({
        workspaceId: WORKSPACE,
        platformUrl: 'http://127.0.0.1:9',
        tokenStore: createMemoryTokenStore(),
        retry: { maxDelayMs: 1e300 },
      }),
    ).toThrow(ConfigError);
  });

  it.each([
    ['1e300', '1e300'],
    ['a date in the year 9999', 'Fri, 31 Dec 9999 23:59:59 GMT'],
    ['30 days of seconds', String(30 * 86_400)],
  ])('a 429 with Retry-After %s exposes a capped retryAfterMs and the raw header', async (_, header) => {
    const url = await rateLimitingPlatform(header);
    const client = createAgentClient({
      workspaceId: WORKSPACE,
      platformUrl: url,
      tokenStore: createMemoryTokenStore({ [WORKSPACE]: 'a-token-for-the-limiter' }),
      retry: 'none',
    });
    const error = await rejectionOf(client.pollState());
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(ONE_HOUR);
    expect((error as RateLimitError).retryAfter).toBe(header);
    expect((error as RateLimitError).toJSON()).toMatchObject({ retryAfterMs: ONE_HOUR, retryAfter: header });
  });

  it('a sane Retry-After is passed through unchanged', async () => {
    const url = await rateLimitingPlatform('7');
    const client = createAgentClient({
      workspaceId: WORKSPACE,
      platformUrl: url,
      tokenStore: createMemoryTokenStore({ [WORKSPACE]: 'a-token-for-the-limiter' }),
      retry: 'none',
    });
    const error = (await rejectionOf(client.pollState())) as RateLimitError;
    expect(error.retryAfterMs).toBe(7_000);
    expect(error.retryAfter).toBe('7');
  });

  it("a busy peer's retry_after of 1e300 through the proxy is capped too", async () => {
    const harness = await startSim({ devMode: true });
    try {
      const caller = await createAgent(harness, { retry: 'none' });
      const target = await createAgent(harness);
      harness.sim.setFaults({
        rules: [
          {
            method: 'POST',
            path: '/workspaces/:id/a2a',
            fault: {
              type: 'status',
              status: 503,
              body: { error: 'busy', busy: true, retry_after: 1e300 },
            },
          },
        ],
      });
      const error = await rejectionOf(callPeer(caller.client, target.id, 'ping', { preferDirect: false }));
      expect(error).toBeInstanceOf(PeerBusyError);
      expect((error as PeerBusyError).retryAfterMs).toBe(ONE_HOUR);
    } finally {
      await harness.close();
    }
  });
});
