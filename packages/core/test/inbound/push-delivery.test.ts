import { describe, expect, it } from 'vitest';
import { JSON_RPC_ERROR } from '../../src/a2a/index.js';
import { createMessageDispatcher, createPushDelivery, type InboundMessage } from '../../src/inbound/index.js';
import { deferred, settle } from './helpers.js';

function post(path: string, text: string, id: string): Request {
  return new Request(`http://agent.test${path}`, {
    method: 'POST',
    body: JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'message/send',
      params: { message: { role: 'user', messageId: `m-${id}`, parts: [{ kind: 'text', text }] } },
    }),
  });
}

describe('createPushDelivery', () => {
  it('a push that arrives just before the loop attaches waits for it and is answered', async () => {
    const delivery = createPushDelivery({ path: '/a2a/early' });
    const early = delivery.handler(post('/a2a/early', 'early bird', '1'));
    await settle();
    delivery.attach?.(
      createMessageDispatcher({ context: {}, handler: (m: InboundMessage) => `re: ${m.text}` }),
    );
    const response = await early;
    expect(response.status).toBe(200);
    expect((await response.json()).result.parts[0].text).toBe('re: early bird');
  });

  it('a push waiting for a loop gets 503 at once when the delivery stops', async () => {
    const delivery = createPushDelivery({ path: '/a2a/early' });
    const early = delivery.handler(post('/a2a/early', 'x', '1'));
    await settle();
    await delivery.stop();
    expect((await early).status).toBe(503);
  });

  it('answers 503 when no loop attaches (after a short wait)', async () => {
    const delivery = createPushDelivery();
    expect((await delivery.handler(post(delivery.path, 'x', '1'))).status).toBe(503);
    expect(delivery.intervalMs).toBeNull();
    expect(await delivery.runOnce(createMessageDispatcher({ context: {}, handler: () => {} }))).toEqual({
      fetched: 0,
      dispatched: 0,
      more: false,
      blocked: false,
    });
  });

  it('routes pushed messages through the loop dispatcher (its handler and concurrency) and answers with the reply', async () => {
    const delivery = createPushDelivery({ path: '/a2a/test' });
    const gate = deferred();
    const handled: string[] = [];
    const dispatcher = createMessageDispatcher({
      context: {},
      concurrency: 1,
      handler: async (message: InboundMessage) => {
        handled.push(message.text);
        if (message.text === 'first') await gate.promise;
        return `re: ${message.text}`;
      },
      reply: async () => {
        throw new Error('a pushed reply must never be routed');
      },
    });
    delivery.attach?.(dispatcher);
    const first = delivery.handler(post('/a2a/test', 'first', '1'));
    const second = delivery.handler(post('/a2a/test', 'second', '2'));
    await settle();
    // Concurrency 1: the second waits for the first.
    expect(handled).toEqual(['first']);
    expect(dispatcher.inFlight().map((m) => m.text)).toEqual(['first']);
    gate.resolve();
    const bodies = await Promise.all([(await first).json(), (await second).json()]);
    expect(bodies.map((b) => b.result.parts[0].text)).toEqual(['re: first', 're: second']);
  });

  it('a failing handler gives -32603; after stop() requests get 503', async () => {
    const delivery = createPushDelivery({ path: '/p' });
    delivery.attach?.(
      createMessageDispatcher({
        context: {},
        handler: () => {
          throw new Error('inner secret');
        },
      }),
    );
    const text = await (await delivery.handler(post('/p', 'x', '1'))).text();
    expect(JSON.parse(text).error.code).toBe(JSON_RPC_ERROR.internalError);
    expect(text).not.toContain('inner secret');
    await delivery.stop();
    expect((await delivery.handler(post('/p', 'x', '2'))).status).toBe(503);
  });
});
