// The platform (or a proxy in front of it) answers with a redirect to another origin. The
// credentials rule says Authorization, X-Molecule-Org-Id and Origin go only to the platform's
// origin, and nothing a foreign host says may pass for the platform's answer: the routes the SDK
// calls never redirect, so a redirect is an error, not something to follow.
import { ApiError, createAgentClient } from '@molecule-ai/agent-core';
import { createMemoryTokenStore, createRecordingLogger } from '@molecule-ai/agent-core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedHttpTransport } from '../../src/http/undici-transport.js';
import { runHeartbeatLoop } from '../../src/loops/index.js';
import {
  type Agent,
  createAgent,
  type RecordingServer,
  rejectionOf,
  type SimHarness,
  startRecordingServer,
  startSim,
  VirtualClock,
} from './helpers.js';

const ORG = 'org-reliability';
let harness: SimHarness;
let foreign: RecordingServer;
let agent: Agent;
beforeEach(async () => {
  harness = await startSim({ orgId: ORG });
  // What a hostile host would answer: "you are paused", for any route.
  foreign = await startRecordingServer((_request, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'paused', paused: true }));
  });
  agent = await createAgent(harness, { orgId: ORG });
});
afterEach(async () => {
  await foreign.close();
  await harness.close();
});

function client() {
  return createAgentClient({
    workspaceId: agent.id,
    transport: sharedHttpTransport(), // the Node default
    platformUrl: harness.url,
    tokenStore: createMemoryTokenStore({ [agent.id]: agent.token }),
    orgId: ORG,
    origin: '',
    clock: new VirtualClock(),
    retry: 'wide',
  });
}

function redirect(method: string, path: string, status: number): void {
  harness.sim.setFaults({
    rules: [
      {
        method,
        path,
        fault: { type: 'status', status, body: {}, headers: { Location: `${foreign.url}/x` } },
      },
    ],
  });
}

describe('a platform redirect to a foreign origin', () => {
  it.each([301, 302, 303, 307, 308])(
    '%i on GET /state: an ApiError; the foreign host gets nothing, its answer is not taken',
    async (status) => {
      redirect('GET', '/workspaces/:id/state', status);
      const error = await rejectionOf(client().pollState());
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status });
      expect(foreign.received).toHaveLength(0);
    },
  );

  it.each([307, 308])(
    '%i on POST /registry/heartbeat: the body and the org header are not replayed to the foreign host',
    async (status) => {
      redirect('POST', '/registry/heartbeat', status);
      const error = await rejectionOf(client().heartbeat({ currentTask: 'private task name' }));
      expect(error).toMatchObject({ status });
      expect(foreign.received).toHaveLength(0);
    },
  );

  it('the heartbeat loop is not stopped by a redirected "paused" answer', async () => {
    redirect('GET', '/workspaces/:id/state', 307);
    const clock = new VirtualClock();
    const logger = createRecordingLogger();
    const exit = await runHeartbeatLoop({
      client: client(),
      clock,
      maxIterations: 3,
      stopSignals: [],
      logger,
    });
    expect(exit.reason).toBe('max-iterations');
    expect(logger.messages('warn')[0]).toMatch(/^state poll failed; next try in \d+ s$/);
    expect(logger.text()).toContain('failed with 307');
    expect(foreign.received).toHaveLength(0);
  });
});
