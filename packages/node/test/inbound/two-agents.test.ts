import {
  AuthenticationError,
  callPeer,
  createAgentClient,
  type InboundMessage,
  PeerRejectedError,
  PeerUnreachableError,
  PermissionDeniedError,
  ServerError,
  sendMessage,
  TimeoutError,
} from '@molecule-ai/agent-core';
import { JSON_RPC_ERROR } from '@molecule-ai/agent-core/a2a';
import { createPushDelivery } from '@molecule-ai/agent-core/inbound';
import type { LoopRun } from '@molecule-ai/agent-core/loops';
import { createMemoryTokenStore } from '@molecule-ai/agent-core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgentLoop } from '../../src/loops/index.js';
import { type PushServer, startPushServer } from '../../src/push/index.js';
import { type Agent, createAgent, type SimHarness, startSim, until } from '../sim.js';

interface Received {
  headers: Headers;
  body: unknown;
}

/**
 * Agent B: a push agent (Node push server, registered with its capability URL) whose handler
 * answers "B heard: <text>", throws on "boom" and takes its time on "slow".
 */
async function startPushAgent(harness: SimHarness) {
  const delivery = createPushDelivery();
  const received: Received[] = [];
  const handled: InboundMessage[] = [];
  const recordingHandler = Object.assign(
    async (request: Request) => {
      received.push({
        headers: request.headers,
        body: await request
          .clone()
          .json()
          .catch(() => undefined),
      });
      return delivery.handler(request);
    },
    { path: delivery.path },
  );
  // The platform refuses 127.0.0.1 literals at register; `localhost` by name is allowed (dev mode dispatches to it).
  const server: PushServer = await startPushServer({
    handler: recordingHandler,
    publicOrigin: 'http://localhost:{port}',
  });
  const agent = await createAgent(harness, { reportedUrl: server.url });
  const loop: LoopRun = runAgentLoop(
    async (message) => {
      handled.push(message);
      if (message.text === 'boom') throw new Error('B internal failure detail');
      if (message.text === 'slow') await new Promise((resolve) => setTimeout(resolve, 400));
      return `B heard: ${message.text}`;
    },
    { client: agent.client, delivery, stopSignals: [] },
  );
  return { agent, server, received, handled, loop, delivery };
}

describe.each(['server', 'cursor'] as const)(
  'two agents in one process (%s activity feed)',
  { timeout: 30_000 },
  (feed) => {
    let harness: SimHarness;
    let a: Agent;
    let b: Awaited<ReturnType<typeof startPushAgent>>;
    beforeEach(async () => {
      harness = await startSim({ devMode: true, activityFeed: feed });
      a = await createAgent(harness);
      b = await startPushAgent(harness);
    });
    afterEach(async () => {
      await b.loop.stop();
      await b.server.stop();
      await harness.close();
    });

    it('A calls B directly through B push server and gets a typed result; the platform bearer never reaches B', async () => {
      const result = await callPeer(a.client, b.agent.id, 'hello');
      expect(result).toMatchObject({ status: 'completed', route: 'direct', text: 'B heard: hello' });
      if (result.status !== 'completed') throw new Error('unreachable');
      expect(result.result.kind).toBe('message');
      expect(b.received).toHaveLength(1);
      const [request] = b.received;
      expect(request!.headers.get('authorization')).toBeNull();
      expect(request!.headers.get('x-workspace-id')).toBe(a.id);
      // call_peer_json_rpc_envelope_format
      expect(request!.body).toMatchObject({
        jsonrpc: '2.0',
        method: 'message/send',
        params: { message: { role: 'user', kind: 'message', parts: [{ kind: 'text', text: 'hello' }] } },
      });
      expect((request!.body as { params: { message: { messageId: string } } }).params.message.messageId).toBe(
        result.messageId,
      );
      expect(b.handled[0]).toMatchObject({
        delivery: 'push',
        text: 'hello',
        source: 'peer_agent',
        sourceId: a.id,
      });
    });

    it('A calls B through the platform proxy (call_peer_prefer_direct_false) and gets the relayed result', async () => {
      const result = await callPeer(a.client, b.agent.id, 'via proxy', { preferDirect: false });
      expect(result).toMatchObject({ status: 'completed', route: 'proxy', text: 'B heard: via proxy' });
      // The platform pushes without credentials and without caller identity.
      expect(b.received[0]!.headers.get('authorization')).toBeNull();
      expect(b.handled[0]).toMatchObject({ source: 'unknown', sourceId: null });
    });

    it('a canvas message pushed to B gets B reply as the JSON-RPC response', async () => {
      const { status, body } = await harness.sim.admin.sendCanvasMessage(b.agent.id, 'from the canvas');
      expect(status).toBe(200);
      expect(body).toMatchObject({
        jsonrpc: '2.0',
        result: {
          kind: 'message',
          role: 'agent',
          parts: [{ kind: 'text', text: 'B heard: from the canvas' }],
        },
      });
    });

    it('A delegates to B: B gets the legacy type parts and delegation_id, the platform extracts B kind:text reply', async () => {
      const delegation = await a.client.delegate('summarise the docs', b.agent.id);
      const results = () =>
        harness.sim.admin.activity(a.id).filter((row) => row.method === 'delegate_result') as {
          status: string;
          response_body?: { text?: string };
        }[];
      await until(() => results().length === 1, 'the delegation result');
      expect(results()[0]).toMatchObject({
        status: 'completed',
        response_body: { text: 'B heard: summarise the docs' },
      });
      expect(b.handled[0]).toMatchObject({
        text: 'summarise the docs',
        metadata: { delegation_id: delegation.delegationId },
      });
    });

    it('B handler crashing surfaces to A as a structured JSON-RPC rejection without B exception text', async () => {
      const error = await callPeer(a.client, b.agent.id, 'boom').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PeerRejectedError);
      expect(error).toMatchObject({
        route: 'direct',
        rpcCode: JSON_RPC_ERROR.internalError,
        rpcMessage: 'Internal error',
      });
      expect(JSON.stringify(error)).not.toContain('B internal failure detail');
      // Through the proxy too (relayed verbatim with HTTP 200).
      const viaProxy = await callPeer(a.client, b.agent.id, 'boom', { preferDirect: false }).catch(
        (e: unknown) => e,
      );
      expect(viaProxy).toMatchObject({ route: 'proxy', rpcCode: JSON_RPC_ERROR.internalError });
    });

    it('B down: the direct attempt is refused, the proxy answers 502, A gets PeerUnreachableError (connection_refused / 502 ports)', async () => {
      await b.loop.stop();
      await b.server.stop();
      const error = await callPeer(a.client, b.agent.id, 'anyone there?').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PeerUnreachableError);
      expect(error).toMatchObject({ route: 'proxy', status: 502, maybeDelivered: false });
      expect(b.received).toHaveLength(0);
    });

    it('503: B paused (its URL cleared) → PeerUnreachableError naming 503', async () => {
      await harness.sim.admin.pause(b.agent.id);
      const error = await callPeer(a.client, b.agent.id, 'x', { preferDirect: false }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PeerUnreachableError);
      expect(error).toMatchObject({ status: 503 });
      expect(String(error)).toContain('503');
    });

    it('500 from the platform → ServerError naming 500', async () => {
      harness.sim.setFaults({
        rules: [{ method: 'POST', path: '/workspaces/:id/a2a', fault: { type: 'status', status: 500 } }],
      });
      const error = await callPeer(a.client, b.agent.id, 'x', { preferDirect: false }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ServerError);
      expect(error).toMatchObject({ status: 500 });
    });

    it('401: a caller with a wrong token → AuthenticationError with the auth context', async () => {
      const impostor = createAgentClient({
        workspaceId: a.id,
        platformUrl: harness.url,
        tokenStore: createMemoryTokenStore({ [a.id]: 'not-the-token' }),
      });
      const error = await callPeer(impostor, b.agent.id, 'x', { preferDirect: false }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).toMatchObject({ status: 401 });
      expect(JSON.stringify(error)).not.toContain('not-the-token');
      expect(b.received).toHaveLength(0);
    });

    it('403: a workspace outside the hierarchy → PermissionDeniedError naming 403', async () => {
      const parent = await createAgent(harness);
      const child = await createAgent(harness, { parentId: parent.id });
      const error = await callPeer(a.client, child.id, 'x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermissionDeniedError);
      expect(error).toMatchObject({ status: 403 });
    });

    it('a direct call that times out is not sent a second time through the proxy (no double send)', async () => {
      const error = await callPeer(a.client, b.agent.id, 'slow', { timeoutMs: 100 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      await until(() => b.handled.length === 1, 'B got the message');
      // Once B has finished (and answered nobody), any resend would long have arrived.
      await until(() => b.server.inFlight === 0, 'B done');
      expect(b.received).toHaveLength(1);
      expect(b.handled).toHaveLength(1);
    });

    it('a canvas message reaches a polling agent and its reply appears as a notify', async () => {
      const c = await createAgent(harness);
      const loop = runAgentLoop((message) => `C got "${message.text}" from ${message.source}`, {
        client: c.client,
        pollIntervalMs: 20,
        stopSignals: [],
      });
      try {
        const parked = await harness.sim.admin.sendCanvasMessage(c.id, 'hello C');
        expect(parked.status).toBe(202);
        await until(() => harness.sim.admin.notifications(c.id).length === 1, 'the notify');
        expect(harness.sim.admin.notifications(c.id)[0]?.message).toBe('C got "hello C" from canvas_user');
      } finally {
        expect((await loop.stop()).reason).toBe('aborted');
      }
    });

    it('B pushes to a polling agent C through the proxy; C reply comes back to B as a pushed message', async () => {
      const c = await createAgent(harness);
      const loop = runAgentLoop(
        (message) => (message.source === 'peer_agent' ? `C answers ${message.text}` : undefined),
        {
          client: c.client,
          pollIntervalMs: 20,
          stopSignals: [],
        },
      );
      try {
        // C polls, so the proxy parks the message and answers 202.
        await sendMessage(b.agent.client, c.id, 'question from B', { role: 'user' }).catch(() => undefined);
        await until(() => b.handled.some((m) => m.text === 'C answers question from B'), 'C reply at B');
        const reply = b.handled.find((m) => m.text === 'C answers question from B')!;
        expect(reply.metadata).toHaveProperty('inReplyTo');
      } finally {
        await loop.stop();
      }
    });
  },
);
