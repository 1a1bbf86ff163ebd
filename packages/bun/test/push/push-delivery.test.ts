import { describe, expect, it } from 'bun:test';
import { startPushDelivery } from '../../src/index.js';

const rpc = {
  jsonrpc: '2.0',
  id: 1,
  method: 'message/send',
  params: { message: { role: 'user', messageId: 'm-1', parts: [{ kind: 'text', text: 'hi' }] } },
};

describe('startPushDelivery on Bun', () => {
  it('serves a capability path on 127.0.0.1, answers 503 until a loop attaches, and stop closes the server', async () => {
    const delivery = await startPushDelivery({ publicOrigin: 'http://localhost:{port}' });
    expect(delivery.kind).toBe('push');
    expect(delivery.intervalMs).toBeNull();
    expect(delivery.server.host).toBe('127.0.0.1');
    expect(delivery.url).toBe(`http://localhost:${delivery.server.port}${delivery.path}`);
    expect(delivery.path).toMatch(/^\/a2a\/.{32}$/);
    const early = await fetch(`http://127.0.0.1:${delivery.server.port}${delivery.path}`, {
      method: 'POST',
      body: JSON.stringify(rpc),
    });
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('1');
    await delivery.stop();
    await expect(
      fetch(`http://127.0.0.1:${delivery.server.port}${delivery.path}`, { method: 'POST', body: '{}' }),
    ).rejects.toThrow();
  });
});
