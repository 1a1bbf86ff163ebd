import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServerError } from '../../src/errors.js';
import { replyToMessage } from '../../src/inbound/index.js';
import {
  type ConnectedAgent,
  connectAgent,
  countRequests,
  POLL_AGENTS,
  type SimHarness,
  startSim,
} from '../helpers/platform.js';
import { inbound } from './helpers.js';

describe.each(['server', 'cursor'] as const)(
  'replyToMessage against the %s activity feed (ports of test_inbound reply_*)',
  (feed) => {
    let harness: SimHarness;
    let agent: ConnectedAgent;
    let peer: ConnectedAgent;
    beforeEach(async () => {
      harness = await startSim({ ...POLL_AGENTS, activityFeed: feed });
      agent = await connectAgent(harness);
      peer = await connectAgent(harness);
    });
    afterEach(async () => {
      await harness.close();
    });

    it('reply_canvas_user_hits_notify: POST /workspaces/<self>/notify {"message": text} with the bearer', async () => {
      expect(await replyToMessage(agent.client, inbound('a', 'hi'), 'hello back')).toEqual({
        route: 'notify',
      });
      const request = harness.sim.requests.find((r) => r.path === `/workspaces/${agent.id}/notify`);
      expect(request?.json).toEqual({ message: 'hello back' });
      expect(request?.headers.authorization).toBe('Bearer [redacted]');
      expect(harness.sim.admin.notifications(agent.id).map((n) => n.message)).toEqual(['hello back']);
    });

    it('reply_peer_agent_hits_a2a: message/send through the proxy as self, role agent, with correlation', async () => {
      const message = inbound('row-1', 'question', {
        source: 'peer_agent',
        sourceId: peer.id,
        messageId: 'm-inbound',
        contextId: 'ctx-1',
        taskId: 'task-1',
      });
      // The peer polls, so the proxy parks the reply for it (answering 202 with a body the client
      // does not read as "queued"; reported); what matters here is what went over the wire.
      await replyToMessage(agent.client, message, 'answer').catch(() => undefined);
      const request = harness.sim.requests.find((r) => r.path === `/workspaces/${peer.id}/a2a`);
      expect(request?.headers['x-workspace-id']).toBe(agent.id);
      expect(request?.json).toMatchObject({
        jsonrpc: '2.0',
        method: 'message/send',
        params: {
          message: {
            role: 'agent',
            kind: 'message',
            parts: [{ kind: 'text', text: 'answer' }],
            contextId: 'ctx-1',
            taskId: 'task-1',
            metadata: { inReplyTo: 'm-inbound' },
          },
        },
      });
    });

    it('reply_unknown_source: sends nothing and says why (Python raised ValueError)', async () => {
      const before = harness.sim.requests.length;
      expect(await replyToMessage(agent.client, inbound('a', 'x', { source: 'unknown' }), 'text')).toEqual({
        route: 'none',
        reason: 'unknown-source',
      });
      expect(harness.sim.requests.length).toBe(before);
    });

    it('reply_empty_text: "" and whitespace send nothing, without throwing (Python raised ValueError)', async () => {
      for (const text of ['', '   \n\t']) {
        expect(await replyToMessage(agent.client, inbound('a'), text)).toEqual({
          route: 'none',
          reason: 'empty',
        });
      }
      expect(countRequests(harness.sim, 'POST', `/workspaces/${agent.id}/notify`)).toBe(0);
    });

    it('reply_peer_agent_missing_source_id: sends nothing and says why', async () => {
      const message = inbound('a', 'x', { source: 'peer_agent', sourceId: null });
      expect(await replyToMessage(agent.client, message, 'text')).toEqual({
        route: 'none',
        reason: 'no-source-id',
      });
    });

    it('a pushed message is answered by its HTTP response, never routed', async () => {
      const message = inbound('a', 'x', { delivery: 'push', activityId: null });
      const before = harness.sim.requests.length;
      expect(await replyToMessage(agent.client, message, 'text')).toEqual({
        route: 'none',
        reason: 'pushed',
      });
      expect(harness.sim.requests.length).toBe(before);
    });

    it('reply_propagates_http_error: a 500 from notify rejects with the typed error', async () => {
      harness.sim.setFaults({
        rules: [{ method: 'POST', path: '/workspaces/:id/notify', fault: { type: 'status', status: 500 } }],
      });
      await expect(replyToMessage(agent.client, inbound('a'), 'text')).rejects.toBeInstanceOf(ServerError);
    });
  },
);
