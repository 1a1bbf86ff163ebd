// A peer behind a fixed port restarts its push server on a new capability path: its old URL now
// answers 404. The caller's cached URL is stale; callPeer must notice the message was not processed,
// drop the entry, rediscover once and reach the peer at its new URL with the same message id.
// (Python's call_peer_falls_back_to_proxy_on_direct_error invalidated too, but resent with a new id.)

import { callPeer } from '@molecule-ai/agent-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgentLoop } from '../../src/loops/index.js';
import { startPushDelivery } from '../../src/push/index.js';
import { createAgent, type SimHarness, startSim } from '../sim.js';

describe('callPeer to a restarted peer (two real push servers on the same port)', () => {
  let harness: SimHarness;
  beforeEach(async () => {
    harness = await startSim({ devMode: true });
  });
  afterEach(async () => {
    await harness.close();
  });

  it('a 404 from the old capability path → invalidate, rediscover, the new URL gets the message once', async () => {
    const received: { text: string; messageId: string | null; server: number }[] = [];
    const first = await startPushDelivery({ publicOrigin: 'http://localhost:{port}' });
    const port = first.server.port;
    const peer = await createAgent(harness, { reportedUrl: first.url });
    const firstLoop = runAgentLoop(
      (message) => {
        received.push({ text: message.text, messageId: message.messageId, server: 1 });
        return `first server got: ${message.text}`;
      },
      { client: peer.client, delivery: first, stopSignals: [] },
    );
    const caller = await createAgent(harness);

    const before = await callPeer(caller.client, peer.id, 'hello');
    expect(before).toMatchObject({ status: 'completed', route: 'direct', text: 'first server got: hello' });

    // The restart: the first server stops, a second one takes the same port on a new path and the
    // peer registers its new URL.
    await firstLoop.stop();
    const second = await startPushDelivery({ port, publicOrigin: 'http://localhost:{port}' });
    expect(second.server.port).toBe(port);
    expect(second.url).not.toBe(first.url);
    peer.client.reportedUrl = second.url;
    await peer.client.register();
    const secondLoop = runAgentLoop(
      (message) => {
        received.push({ text: message.text, messageId: message.messageId, server: 2 });
        return `second server got: ${message.text}`;
      },
      { client: peer.client, delivery: second, stopSignals: [] },
    );
    try {
      harness.sim.clearRequests();
      const after = await callPeer(caller.client, peer.id, 'are you there?');
      expect(after).toMatchObject({
        status: 'completed',
        route: 'direct',
        text: 'second server got: are you there?',
      });
      // Delivered once, with the id callPeer reported; rediscovered once; nothing through the proxy.
      expect(received.filter((r) => r.text === 'are you there?')).toEqual([
        { text: 'are you there?', messageId: after.messageId, server: 2 },
      ]);
      expect(harness.sim.requests.filter((r) => r.path === `/registry/discover/${peer.id}`)).toHaveLength(1);
      expect(harness.sim.requests.filter((r) => r.path === `/workspaces/${peer.id}/a2a`)).toHaveLength(0);
    } finally {
      await secondLoop.stop();
    }
  });

  it('a stopped peer (connection refused) with no new URL: the proxy is used with the same message id', async () => {
    const first = await startPushDelivery({ publicOrigin: 'http://localhost:{port}' });
    const peer = await createAgent(harness, { reportedUrl: first.url });
    const loop = runAgentLoop(() => 'up', { client: peer.client, delivery: first, stopSignals: [] });
    const caller = await createAgent(harness);
    await callPeer(caller.client, peer.id, 'warm the cache');
    await loop.stop();
    // A peer that stopped a while ago: the caller has seen its kept-alive connection close. Called in
    // the same instant, the request could go out on that closing connection and fail as "maybe
    // delivered", which is a different case (a message must not be sent twice when it may have arrived).
    await new Promise((resolve) => setTimeout(resolve, 100));
    harness.sim.clearRequests();
    const error = await callPeer(caller.client, peer.id, 'anyone?').catch((e: unknown) => e);
    // The proxy could not reach it either: a typed error, and the message was never processed twice.
    expect(error).toMatchObject({ name: 'PeerUnreachableError', route: 'proxy', status: 502 });
    const proxied = harness.sim.requests.filter((r) => r.path === `/workspaces/${peer.id}/a2a`);
    expect(proxied).toHaveLength(1);
    expect(harness.sim.requests.filter((r) => r.path === `/registry/discover/${peer.id}`)).toHaveLength(1);
  });
});
