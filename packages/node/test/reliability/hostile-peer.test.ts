// A peer is whatever URL another workspace registered: here a real server that records every
// header and answers as it likes. callPeer must never hand it the platform's credentials, never
// follow it elsewhere, never trust its answers, and never send the same message a second time.
import type { ServerResponse } from 'node:http';
import {
  type AgentClient,
  callPeer,
  createAgentClient,
  InvalidResponseError,
  isMoleculeError,
  PeerRejectedError,
  PeerUnreachableError,
  TimeoutError,
} from '@molecule-ai/agent-core';
import { createMemoryTokenStore } from '@molecule-ai/agent-core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedHttpTransport } from '../../src/http/undici-transport.js';
import {
  type Agent,
  createAgent,
  jsonRpcReply,
  leakedSecrets,
  type ReceivedRequest,
  type RecordingServer,
  rejectionOf,
  type SimHarness,
  startRecordingServer,
  startSim,
} from './helpers.js';

const ORG = 'org-reliability';

/** How the hostile peer answers the next direct call; the default is a polite JSON-RPC reply. */
let answer: (request: ReceivedRequest, res: ServerResponse) => void;
const polite = (request: ReceivedRequest, res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(jsonRpcReply(request.body, 'pong'));
};

let harness: SimHarness;
let peer: RecordingServer;
let elsewhere: RecordingServer;
let caller: Agent;
let peerAgent: Agent;
let client: AgentClient;
beforeEach(async () => {
  answer = polite;
  // A SaaS-style platform: TenantGuard on, so the caller sends its org header and Origin.
  harness = await startSim({ devMode: true, orgId: ORG });
  peer = await startRecordingServer((request, res) => answer(request, res));
  elsewhere = await startRecordingServer((_request, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  caller = await createAgent(harness, { orgId: ORG });
  peerAgent = await createAgent(harness, { orgId: ORG, reportedUrl: peer.url });
  client = createAgentClient({
    workspaceId: caller.id,
    transport: sharedHttpTransport(), // the Node default
    platformUrl: harness.url,
    tokenStore: createMemoryTokenStore({ [caller.id]: caller.token }),
    orgId: ORG,
    origin: '', // send Origin to the platform, as the Python SDK did
    timeouts: { peer: 300 },
  });
});
afterEach(async () => {
  await peer.close();
  await elsewhere.close();
  await harness.close();
});

function secrets(): string[] {
  return [caller.token, peerAgent.token, harness.sim.adminToken];
}

/** Nothing the peer received carries a platform credential, the org header or the platform's Origin. */
function expectNothingLeakedTo(server: RecordingServer): void {
  for (const request of server.received) {
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers['proxy-authorization']).toBeUndefined();
    expect(request.headers.cookie).toBeUndefined();
    expect(request.headers.origin).toBeUndefined();
    expect(request.headers['x-molecule-org-id']).toBeUndefined();
    expect(leakedSecrets(request, secrets())).toEqual([]);
    expect(JSON.stringify(request)).not.toContain(ORG);
  }
}

function proxiedCalls(): number {
  return harness.sim.requests.filter(
    (r) => r.method === 'POST' && r.path === `/workspaces/${peerAgent.id}/a2a`,
  ).length;
}

describe('callPeer to a hostile peer', { timeout: 30_000 }, () => {
  it('the direct call carries only Content-Type and the caller id: no bearer, no Origin, no org header', async () => {
    const result = await callPeer(client, peerAgent.id, 'ping');
    expect(result).toMatchObject({ status: 'completed', route: 'direct', text: 'pong' });
    expect(peer.received).toHaveLength(1);
    expect(peer.received[0]!.headers['x-workspace-id']).toBe(caller.id);
    expectNothingLeakedTo(peer);
    // The platform requests of the same call did carry the credentials (so the test can tell).
    const discover = harness.sim.requests.find((r) => r.path === `/registry/discover/${peerAgent.id}`)!;
    expect(discover.headers).toMatchObject({ authorization: 'Bearer [redacted]', 'x-molecule-org-id': ORG });
    expect(discover.headers.origin).toBe(new URL(harness.url).origin);
  });

  it('through the platform proxy the bearer stops at the platform', async () => {
    const result = await callPeer(client, peerAgent.id, 'ping', { preferDirect: false });
    expect(result).toMatchObject({ status: 'completed', route: 'proxy', text: 'pong' });
    expect(peer.received).toHaveLength(1);
    expectNothingLeakedTo(peer);
  });

  it.each([307, 308, 302])(
    'a %i redirect is not followed, and the message is not re-sent through the platform',
    async (status) => {
      answer = (_request, res) => {
        res.writeHead(status, { location: `${elsewhere.url}/steal` });
        res.end();
      };
      const error = await rejectionOf(callPeer(client, peerAgent.id, 'ping'));
      expect(error).toBeInstanceOf(PeerRejectedError);
      expect(error).toMatchObject({ route: 'direct', httpStatus: status });
      expect(elsewhere.received).toHaveLength(0);
      expect(proxiedCalls()).toBe(0);
      expectNothingLeakedTo(peer);
    },
  );

  it('a redirect to the platform itself is not followed either (the bearer never rides along)', async () => {
    answer = (_request, res) => {
      res.writeHead(307, { location: `${harness.url}/workspaces/${caller.id}/notify` });
      res.end();
    };
    harness.sim.clearRequests();
    await rejectionOf(callPeer(client, peerAgent.id, 'ping'));
    expect(harness.sim.requests.filter((r) => r.path.endsWith('/notify'))).toHaveLength(0);
  });

  it.each([
    ['malformed JSON', 200, 'application/json', '{"jsonrpc": "2.0", "result": ', InvalidResponseError],
    ['an HTML page', 200, 'text/html', '<html>hello</html>', InvalidResponseError],
    [
      'a JSON-RPC envelope without result or error',
      200,
      'application/json',
      '{"jsonrpc":"2.0","id":1}',
      InvalidResponseError,
    ],
    ['a JSON array', 200, 'application/json', '[{"jsonrpc":"2.0"}]', InvalidResponseError],
    ['a 500 with a stack trace', 500, 'text/plain', 'Traceback: secret internals', PeerRejectedError],
  ] as const)(
    '%s → a typed error, no second copy through the platform',
    async (_what, status, type, body, expected) => {
      answer = (_request, res) => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      const error = await rejectionOf(callPeer(client, peerAgent.id, 'ping'));
      expect(error).toBeInstanceOf(expected);
      expect(isMoleculeError(error)).toBe(true);
      expect(leakedSecrets(error, secrets())).toEqual([]);
      expect(peer.received).toHaveLength(1);
      expect(proxiedCalls()).toBe(0);
    },
  );

  it('a JSON-RPC error with a huge message is cut short in the error message', async () => {
    answer = (request, res) => {
      const id = (JSON.parse(request.body) as { id: unknown }).id;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32000, message: 'x'.repeat(100_000) } }));
    };
    const error = await rejectionOf(callPeer(client, peerAgent.id, 'ping'));
    expect(error).toBeInstanceOf(PeerRejectedError);
    expect((error as Error).message.length).toBeLessThan(500);
  });

  it('a body over the response cap → InvalidResponseError, nothing re-sent', async () => {
    const small = createAgentClient({
      workspaceId: caller.id,
      transport: sharedHttpTransport(), // the Node default
      platformUrl: harness.url,
      tokenStore: createMemoryTokenStore({ [caller.id]: caller.token }),
      orgId: ORG,
      maxResponseBytes: 64 * 1024,
    });
    answer = (request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(jsonRpcReply(request.body, 'y'.repeat(256 * 1024)));
    };
    const error = await rejectionOf(callPeer(small, peerAgent.id, 'ping'));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(proxiedCalls()).toBe(0);
  });

  it('a peer that accepts and never answers → TimeoutError, not re-sent (it may have been delivered)', async () => {
    answer = () => {}; // holds the request open
    const error = await rejectionOf(callPeer(client, peerAgent.id, 'ping'));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(peer.received).toHaveLength(1);
    expect(proxiedCalls()).toBe(0);
  });

  it('a peer that cuts the connection after reading the request → PeerUnreachableError(maybeDelivered), not re-sent', async () => {
    answer = (_request, res) => {
      res.socket?.destroy();
    };
    const error = await rejectionOf(callPeer(client, peerAgent.id, 'ping'));
    expect(error).toBeInstanceOf(PeerUnreachableError);
    expect(error).toMatchObject({ route: 'direct', maybeDelivered: true });
    expect(proxiedCalls()).toBe(0);
  });

  it('a peer that is gone (connection refused) → the same message once through the proxy', async () => {
    await peer.close();
    const error = await rejectionOf(callPeer(client, peerAgent.id, 'ping'));
    // The platform cannot reach it either.
    expect(error).toBeInstanceOf(PeerUnreachableError);
    expect(error).toMatchObject({ route: 'proxy' });
    expect(proxiedCalls()).toBe(1);
  });
});
