import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgentLoop } from '../../src/loops/index.js';
import { startPushDelivery } from '../../src/push/index.js';
import { createAgent, type SimHarness, startSim } from '../sim.js';

describe('startPushDelivery', () => {
  let harness: SimHarness;
  beforeEach(async () => {
    harness = await startSim({ devMode: true });
  });
  afterEach(async () => {
    await harness.close();
  });

  it('serves the loop handler on a capability URL; the loop exit stops and drains the server', async () => {
    const delivery = await startPushDelivery({ publicOrigin: 'http://localhost:{port}' });
    expect(delivery.url).toMatch(/^http:\/\/localhost:\d+\/a2a\/[A-Za-z0-9_-]{32}$/);
    const agent = await createAgent(harness, { reportedUrl: delivery.url });
    const loop = runAgentLoop((message) => `pushed: ${message.text}`, {
      client: agent.client,
      delivery,
      stopSignals: [],
    });
    const { body } = await harness.sim.admin.sendCanvasMessage(agent.id, 'ping');
    expect(body).toMatchObject({ result: { parts: [{ kind: 'text', text: 'pushed: ping' }] } });
    // The loop polls nothing: a push delivery has no interval.
    expect(harness.sim.requests.some((r) => r.path.endsWith('/activity'))).toBe(false);
    expect((await loop.stop()).reason).toBe('aborted');
    await expect(
      fetch(`http://127.0.0.1:${delivery.server.port}${delivery.path}`, { method: 'POST' }),
    ).rejects.toThrow();
  });

  it('binds 127.0.0.1 by default and answers 503 until a loop attaches', async () => {
    const delivery = await startPushDelivery();
    try {
      expect(delivery.server.host).toBe('127.0.0.1');
      const response = await fetch(delivery.url, {
        method: 'POST',
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'message/send',
          params: { message: { role: 'user', messageId: 'm', parts: [{ kind: 'text', text: 'x' }] } },
        }),
      });
      expect(response.status).toBe(503);
    } finally {
      await delivery.stop();
    }
  });
});
