import { describe, expect, it } from 'vitest';
import {
  createMessageDispatcher,
  type HandlerContext,
  type InboundMessage,
} from '../../src/inbound/index.js';
import { deferred, inbound, settle } from './helpers.js';

describe('createMessageDispatcher', () => {
  it('runs one handler at a time by default, in dispatch order', async () => {
    const order: string[] = [];
    const gates = [deferred(), deferred()];
    const dispatcher = createMessageDispatcher({
      context: {},
      handler: async (message: InboundMessage) => {
        order.push(`start ${message.id}`);
        await gates[Number(message.id)]!.promise;
        order.push(`end ${message.id}`);
      },
    });
    const a = dispatcher.dispatch(inbound('0'));
    const b = dispatcher.dispatch(inbound('1'));
    await settle();
    expect(order).toEqual(['start 0']);
    expect(dispatcher.available).toBe(0);
    expect(dispatcher.inFlight().map((m) => m.id)).toEqual(['0']);
    gates[0]!.resolve();
    await a;
    await settle();
    expect(order).toEqual(['start 0', 'end 0', 'start 1']);
    gates[1]!.resolve();
    await b;
    expect(dispatcher.active).toBe(0);
    expect(dispatcher.available).toBe(1);
  });

  it('runs up to `concurrency` handlers at once and reports them in flight', async () => {
    const gate = deferred();
    let running = 0;
    let peak = 0;
    const dispatcher = createMessageDispatcher({
      context: {},
      concurrency: 3,
      handler: async () => {
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        running--;
      },
    });
    const all = ['a', 'b', 'c', 'd', 'e'].map((id) => dispatcher.dispatch(inbound(id)));
    await settle();
    expect(dispatcher.active).toBe(3);
    expect(dispatcher.inFlight().map((m) => m.id)).toEqual(['a', 'b', 'c']);
    gate.resolve();
    await Promise.all(all);
    expect(peak).toBe(3);
    await dispatcher.whenIdle();
  });

  it('a handler error is caught, logged, and the message counts as done (poison is not retried)', async () => {
    const errors: string[] = [];
    const dispatcher = createMessageDispatcher({
      context: {},
      handler: () => {
        throw new Error('poison');
      },
      logger: { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) },
    });
    const outcome = await dispatcher.dispatch(inbound('x'));
    expect(outcome).toMatchObject({ status: 'failed', replyText: null });
    expect(errors).toHaveLength(1);
  });

  it('routes a non-empty reply, skips empty and whitespace ones, and survives a failing reply', async () => {
    const sent: string[] = [];
    let failNext = false;
    const dispatcher = createMessageDispatcher({
      context: {},
      handler: (message: InboundMessage) => message.text,
      reply: async (_message, text) => {
        if (failNext) throw new Error('network');
        sent.push(text);
        return 'sent';
      },
    });
    expect(await dispatcher.dispatch(inbound('a', 'hello'))).toMatchObject({
      replyText: 'hello',
      reply: 'sent',
    });
    expect((await dispatcher.dispatch(inbound('b', '   '))).replyText).toBeNull();
    failNext = true;
    expect(await dispatcher.dispatch(inbound('c', 'boom'))).toMatchObject({
      status: 'handled',
      replyFailed: true,
    });
    expect(sent).toEqual(['hello']);
    // replyMode "return" never routes.
    failNext = false;
    expect(await dispatcher.dispatch(inbound('d', 'kept'), { replyMode: 'return' })).toMatchObject({
      replyText: 'kept',
    });
    expect(sent).toEqual(['hello']);
  });

  it('runs afterHandled inside the slot, before the next message starts', async () => {
    const order: string[] = [];
    const dispatcher = createMessageDispatcher({
      context: {},
      handler: (message: InboundMessage) => {
        order.push(`handle ${message.id}`);
      },
    });
    const after = (id: string) => async () => {
      await settle(1);
      order.push(`saved ${id}`);
    };
    await Promise.all([
      dispatcher.dispatch(inbound('1'), { afterHandled: after('1') }),
      dispatcher.dispatch(inbound('2'), { afterHandled: after('2') }),
    ]);
    expect(order).toEqual(['handle 1', 'saved 1', 'handle 2', 'saved 2']);
  });

  it('gives handlers the context plus a signal that abort() fires', async () => {
    let seen: (HandlerContext & { tag: string }) | undefined;
    const dispatcher = createMessageDispatcher<HandlerContext & { tag: string }>({
      context: { tag: 'ctx' },
      handler: (_m, context) => {
        seen = context;
      },
    });
    await dispatcher.dispatch(inbound('a'));
    expect(seen?.tag).toBe('ctx');
    expect(seen?.signal.aborted).toBe(false);
    dispatcher.abort();
    expect(seen?.signal.aborted).toBe(true);
  });

  it('whenAvailable resolves when a slot frees, or when its signal aborts', async () => {
    const gate = deferred();
    const dispatcher = createMessageDispatcher({ context: {}, handler: () => gate.promise });
    const running = dispatcher.dispatch(inbound('a'));
    await settle();
    let freed = false;
    const waiting = dispatcher.whenAvailable().then(() => {
      freed = true;
    });
    const controller = new AbortController();
    const aborted = dispatcher.whenAvailable(controller.signal);
    controller.abort();
    await aborted;
    await settle();
    expect(freed).toBe(false);
    gate.resolve();
    await running;
    await waiting;
    expect(freed).toBe(true);
  });

  it('a freed slot goes to the waiting message, not to a later caller', async () => {
    const gates = new Map<string, ReturnType<typeof deferred<void>>>();
    const started: string[] = [];
    const dispatcher = createMessageDispatcher({
      context: {},
      handler: async (message: InboundMessage) => {
        started.push(message.id);
        const gate = deferred();
        gates.set(message.id, gate);
        await gate.promise;
      },
    });
    const a = dispatcher.dispatch(inbound('a'));
    const b = dispatcher.dispatch(inbound('b'));
    await settle();
    gates.get('a')!.resolve();
    await a;
    // 'c' arrives in the same turn the slot is handed to 'b'.
    const c = dispatcher.dispatch(inbound('c'));
    await settle();
    expect(started).toEqual(['a', 'b']);
    gates.get('b')!.resolve();
    await b;
    await settle();
    gates.get('c')!.resolve();
    await c;
    expect(started).toEqual(['a', 'b', 'c']);
  });

  it('rejects a concurrency that is not a positive integer', () => {
    expect(() => createMessageDispatcher({ context: {}, handler: () => {}, concurrency: 0 })).toThrow(
      /concurrency/,
    );
  });
});
