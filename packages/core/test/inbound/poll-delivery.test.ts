import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createMessageDispatcher,
  createPollDelivery,
  type InboundMessage,
  type MessageDispatcher,
  type PollDelivery,
  replyToMessage,
} from '../../src/inbound/index.js';
import type { CursorState, CursorStore } from '../../src/ports/cursor-store.js';
import { createMemoryCursorStore, createRecordingLogger } from '../../src/testing/index.js';
import {
  type ConnectedAgent,
  connectAgent,
  countRequests,
  POLL_AGENTS,
  type SimHarness,
  sendCanvasMessages,
  startSim,
} from '../helpers/platform.js';
import { deferred, settle } from './helpers.js';

/** A memory store that also keeps every saved state, in order. */
function recordingStore(): CursorStore & { saves: CursorState[] } {
  const inner = createMemoryCursorStore();
  const saves: CursorState[] = [];
  return {
    name: 'recording',
    saves,
    load: (id) => inner.load(id),
    save: async (id, state) => {
      saves.push({ cursor: state.cursor, seen: [...state.seen] });
      await inner.save(id, state);
    },
    clear: (id) => inner.clear(id),
  };
}

/** Polls with `wait: true` until the feed reports no more. */
async function drain(delivery: PollDelivery, dispatcher: MessageDispatcher): Promise<number> {
  let dispatched = 0;
  for (let i = 0; i < 100; i++) {
    const result = await delivery.runOnce(dispatcher, { wait: true });
    dispatched += result.dispatched;
    if (!result.more) return dispatched;
  }
  throw new Error('feed never drained');
}

function rowIds(harness: SimHarness, agent: ConnectedAgent): string[] {
  return harness.sim.admin
    .activity(agent.id)
    .filter((row) => row.method !== 'notify')
    .map((row) => row.id as string);
}

describe.each(['server', 'cursor'] as const)('createPollDelivery against the %s activity feed', (feed) => {
  let harness: SimHarness;
  let agent: ConnectedAgent;
  let handled: InboundMessage[];
  beforeEach(async () => {
    harness = await startSim({ ...POLL_AGENTS, activityFeed: feed });
    agent = await connectAgent(harness);
    handled = [];
  });
  afterEach(async () => {
    await harness.close();
  });

  const recordAll = (reply?: (m: InboundMessage) => string | undefined) =>
    createMessageDispatcher({
      context: {},
      handler: (message: InboundMessage) => {
        handled.push(message);
        return reply?.(message);
      },
      reply: (message, text) => replyToMessage(agent.client, message, text),
    });

  it('poll_delivery_run_once_advances_cursor: messages are handled oldest first and the cursor is the last one', async () => {
    await sendCanvasMessages(harness.sim, agent.id, 2);
    const delivery = createPollDelivery({ client: agent.client });
    const result = await delivery.runOnce(recordAll(), { wait: true });
    expect(result).toMatchObject({ fetched: 2, dispatched: 2 });
    expect(handled.map((m) => m.text)).toEqual(['msg-0', 'msg-1']);
    expect(handled.map((m) => m.source)).toEqual(['canvas_user', 'canvas_user']);
    expect(delivery.cursor).toBe(rowIds(harness, agent)[1]);
    const request = harness.sim.requests.find((r) => r.path === `/workspaces/${agent.id}/activity`);
    expect(request?.query).toMatchObject({ type: 'a2a_receive', limit: '100' });
    expect(request?.query.since_id).toBeUndefined();
  });

  it('never re-delivers a handled message on later polls (the server ignores since_id)', async () => {
    await sendCanvasMessages(harness.sim, agent.id, 3);
    const delivery = createPollDelivery({ client: agent.client });
    const dispatcher = recordAll();
    await drain(delivery, dispatcher);
    await drain(delivery, dispatcher);
    await sendCanvasMessages(harness.sim, agent.id, 1, 'later');
    await drain(delivery, dispatcher);
    await drain(delivery, dispatcher);
    expect(handled.map((m) => m.text)).toEqual(['msg-0', 'msg-1', 'msg-2', 'later-0']);
    expect(countRequests(harness.sim, 'GET', `/workspaces/${agent.id}/activity`)).toBeGreaterThanOrEqual(4);
  });

  it('poll_delivery_handler_exception_advances_and_continues: a poison message is skipped, not retried', async () => {
    await sendCanvasMessages(harness.sim, agent.id, 2);
    const delivery = createPollDelivery({ client: agent.client });
    const logger = createRecordingLogger();
    const dispatcher = createMessageDispatcher({
      context: {},
      logger,
      handler: (message: InboundMessage) => {
        handled.push(message);
        if (message.text === 'msg-0') throw new Error('poison');
      },
    });
    await drain(delivery, dispatcher);
    await drain(delivery, dispatcher);
    expect(handled.map((m) => m.text)).toEqual(['msg-0', 'msg-1']);
    expect(delivery.cursor).toBe(rowIds(harness, agent)[1]);
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('poll_delivery_async_handler_awaited', async () => {
    await sendCanvasMessages(harness.sim, agent.id, 1);
    const finished: string[] = [];
    const delivery = createPollDelivery({ client: agent.client });
    await delivery.runOnce(
      createMessageDispatcher({
        context: {},
        handler: async (message: InboundMessage) => {
          await new Promise((resolve) => setTimeout(resolve, 10));
          finished.push(message.text);
        },
      }),
      { wait: true },
    );
    expect(finished).toEqual(['msg-0']);
  });

  it('poll_delivery_handler_returns_text_triggers_reply, and the agent never answers its own notify row', async () => {
    await sendCanvasMessages(harness.sim, agent.id, 1, 'hi');
    const delivery = createPollDelivery({ client: agent.client });
    const dispatcher = recordAll((m) => `echo:${m.text}`);
    await drain(delivery, dispatcher);
    expect(harness.sim.admin.notifications(agent.id).map((n) => n.message)).toEqual(['echo:hi-0']);
    // The notify is stored as an a2a_receive row of the agent; polling again must not handle it.
    expect(harness.sim.admin.activity(agent.id).some((row) => row.method === 'notify')).toBe(true);
    await drain(delivery, dispatcher);
    await drain(delivery, dispatcher);
    expect(handled.map((m) => m.text)).toEqual(['hi-0']);
    expect(harness.sim.admin.notifications(agent.id)).toHaveLength(1);
  });

  it('poll_delivery_handler_returns_none_no_reply (and whitespace sends nothing either, without throwing)', async () => {
    await sendCanvasMessages(harness.sim, agent.id, 2);
    const delivery = createPollDelivery({ client: agent.client });
    await drain(
      delivery,
      recordAll((m) => (m.text === 'msg-0' ? undefined : '   ')),
    );
    expect(handled).toHaveLength(2);
    expect(harness.sim.admin.notifications(agent.id)).toEqual([]);
    expect(countRequests(harness.sim, 'POST', `/workspaces/${agent.id}/notify`)).toBe(0);
  });

  it('poll_delivery_stop_makes_run_once_noop: no request after stop()', async () => {
    const delivery = createPollDelivery({ client: agent.client });
    await delivery.stop();
    const before = harness.sim.requests.length;
    expect(await delivery.runOnce(recordAll(), { wait: true })).toEqual({
      fetched: 0,
      dispatched: 0,
      more: false,
      blocked: false,
    });
    expect(harness.sim.requests.length).toBe(before);
  });

  it('poll_delivery_cursor_file_persistence: a restarted delivery with the same store handles nothing twice', async () => {
    await sendCanvasMessages(harness.sim, agent.id, 3);
    const store = createMemoryCursorStore();
    await drain(createPollDelivery({ client: agent.client, cursorStore: store }), recordAll());
    const saved = await store.load(agent.id);
    expect(saved?.cursor).toBe(rowIds(harness, agent)[2]);
    expect(saved?.seen).toEqual(rowIds(harness, agent));
    await sendCanvasMessages(harness.sim, agent.id, 1, 'after-restart');
    const restarted = createPollDelivery({ client: agent.client, cursorStore: store });
    expect(restarted.cursor).toBeNull();
    await drain(restarted, recordAll());
    expect(handled.map((m) => m.text)).toEqual(['msg-0', 'msg-1', 'msg-2', 'after-restart-0']);
  });

  it('saves the cursor after EACH handled message, before the next one starts (Python saved once per batch)', async () => {
    await sendCanvasMessages(harness.sim, agent.id, 3);
    const store = recordingStore();
    const delivery = createPollDelivery({ client: agent.client, cursorStore: store });
    const savedWhenStarted: (string | null)[] = [];
    await drain(
      delivery,
      createMessageDispatcher({
        context: {},
        handler: () => {
          savedWhenStarted.push(store.saves.at(-1)?.cursor ?? null);
        },
      }),
    );
    const ids = rowIds(harness, agent);
    expect(savedWhenStarted).toEqual([null, ids[0], ids[1]]);
    expect(store.saves.at(-1)).toEqual({ cursor: ids[2], seen: ids });
  });

  it('runs handlers concurrently and advances the cursor only over the handled prefix', async () => {
    await sendCanvasMessages(harness.sim, agent.id, 3);
    const store = recordingStore();
    const delivery = createPollDelivery({ client: agent.client, cursorStore: store });
    const gates = new Map<string, ReturnType<typeof deferred<void>>>();
    const dispatcher = createMessageDispatcher({
      context: {},
      concurrency: 3,
      handler: async (message: InboundMessage) => {
        const gate = deferred();
        gates.set(message.text, gate);
        await gate.promise;
      },
    });
    const result = await delivery.runOnce(dispatcher);
    expect(result).toMatchObject({ dispatched: 3, blocked: false });
    await settle();
    expect(dispatcher.inFlight().map((m) => m.text)).toEqual(['msg-0', 'msg-1', 'msg-2']);
    const ids = rowIds(harness, agent);
    gates.get('msg-1')!.resolve();
    await settle();
    expect(store.saves.at(-1)).toEqual({ cursor: null, seen: [ids[1]] });
    gates.get('msg-0')!.resolve();
    await settle();
    expect(store.saves.at(-1)?.cursor).toBe(ids[1]);
    gates.get('msg-2')!.resolve();
    await dispatcher.whenIdle();
    await settle();
    expect(store.saves.at(-1)?.cursor).toBe(ids[2]);
  });

  it('hands out only as many messages as there are free slots and says it is blocked', async () => {
    await sendCanvasMessages(harness.sim, agent.id, 3);
    const delivery = createPollDelivery({ client: agent.client });
    const gate = deferred();
    const dispatcher = createMessageDispatcher({
      context: {},
      handler: async (message: InboundMessage) => {
        handled.push(message);
        await gate.promise;
      },
    });
    expect(await delivery.runOnce(dispatcher)).toMatchObject({ fetched: 3, dispatched: 1, blocked: true });
    // No new fetch while the window is open.
    const fetches = countRequests(harness.sim, 'GET', `/workspaces/${agent.id}/activity`);
    expect(await delivery.runOnce(dispatcher)).toMatchObject({ fetched: 0, dispatched: 0, blocked: true });
    expect(countRequests(harness.sim, 'GET', `/workspaces/${agent.id}/activity`)).toBe(fetches);
    gate.resolve();
    await delivery.runOnce(dispatcher, { wait: true });
    expect(handled.map((m) => m.text)).toEqual(['msg-0', 'msg-1', 'msg-2']);
  });

  it('detects which feed the server has', async () => {
    const delivery = createPollDelivery({ client: agent.client });
    const dispatcher = recordAll();
    await sendCanvasMessages(harness.sim, agent.id, 2);
    await drain(delivery, dispatcher);
    await sendCanvasMessages(harness.sim, agent.id, 2, 'b');
    await drain(delivery, dispatcher);
    expect(delivery.mode).toBe(feed);
  });
});

describe('createPollDelivery: cursor feed specifics', () => {
  let harness: SimHarness;
  let agent: ConnectedAgent;
  beforeEach(async () => {
    harness = await startSim({ ...POLL_AGENTS, activityFeed: 'cursor' });
    agent = await connectAgent(harness);
  });
  afterEach(async () => {
    await harness.close();
  });

  it('sends since_id with the cursor', async () => {
    await sendCanvasMessages(harness.sim, agent.id, 1);
    const delivery = createPollDelivery({ client: agent.client });
    const dispatcher = createMessageDispatcher({ context: {}, handler: () => {} });
    await drain(delivery, dispatcher);
    await drain(delivery, dispatcher);
    const last = harness.sim.requests.filter((r) => r.path === `/workspaces/${agent.id}/activity`).at(-1);
    expect(last?.query.since_id).toBe(delivery.cursor);
  });

  it('poll_delivery_410_resets_cursor: the reset is SAVED (Python kept the stale cursor on disk) and nothing is handled twice', async () => {
    const store = recordingStore();
    const texts: string[] = [];
    const dispatcher = createMessageDispatcher({
      context: {},
      handler: (m: InboundMessage) => {
        texts.push(m.text);
      },
    });
    await sendCanvasMessages(harness.sim, agent.id, 2);
    const delivery = createPollDelivery({ client: agent.client, cursorStore: store });
    await drain(delivery, dispatcher);
    // Retention purges the cursor row; the next poll gets 410.
    await harness.sim.admin.pruneActivity(agent.id);
    await sendCanvasMessages(harness.sim, agent.id, 1, 'new');
    const lost = await delivery.runOnce(dispatcher, { wait: true });
    expect(lost).toEqual({ fetched: 0, dispatched: 0, more: true, blocked: false });
    expect(delivery.cursor).toBeNull();
    expect((await store.load(agent.id))?.cursor).toBeNull();
    expect(harness.sim.requests.filter((r) => r.path.endsWith('/activity')).at(-1)?.status).toBe(410);
    await drain(delivery, dispatcher);
    expect(texts).toEqual(['msg-0', 'msg-1', 'new-0']);
  });

  it('after a 410 the seen-set keeps still-listed, already handled rows from being handled again', async () => {
    const store = createMemoryCursorStore();
    const texts: string[] = [];
    const dispatcher = createMessageDispatcher({
      context: {},
      handler: (m: InboundMessage) => {
        texts.push(m.text);
      },
    });
    await sendCanvasMessages(harness.sim, agent.id, 3);
    await drain(createPollDelivery({ client: agent.client, cursorStore: store }), dispatcher);
    // A cursor that no longer exists (e.g. restored from an old backup) while the rows are still listed.
    const saved = await store.load(agent.id);
    await store.save(agent.id, { cursor: '00000000-0000-4000-8000-000000000000', seen: saved!.seen });
    await sendCanvasMessages(harness.sim, agent.id, 1, 'new');
    await drain(createPollDelivery({ client: agent.client, cursorStore: store }), dispatcher);
    expect(texts).toEqual(['msg-0', 'msg-1', 'msg-2', 'new-0']);
  });

  it('drains a backlog larger than a batch without waiting between full batches', async () => {
    await sendCanvasMessages(harness.sim, agent.id, 25);
    const delivery = createPollDelivery({ client: agent.client, limit: 10 });
    const texts: string[] = [];
    const dispatcher = createMessageDispatcher({
      context: {},
      handler: (m: InboundMessage) => {
        texts.push(m.text);
      },
    });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await delivery.runOnce(dispatcher, { wait: true }));
    expect(results.map((r) => [r.fetched, r.more])).toEqual([
      [10, true],
      [10, true],
      [5, false],
      [0, false],
    ]);
    expect(texts).toEqual(Array.from({ length: 25 }, (_, i) => `msg-${i}`));
  });
});

describe('createPollDelivery: server feed specifics', () => {
  it('warns once when a full batch holds only new messages (older ones may be out of reach)', async () => {
    const harness = await startSim({ ...POLL_AGENTS, activityFeed: 'server' });
    try {
      const agent = await connectAgent(harness);
      const logger = createRecordingLogger();
      const delivery = createPollDelivery({ client: agent.client, limit: 5, seenLimit: 10, logger });
      const texts: string[] = [];
      const dispatcher = createMessageDispatcher({
        context: {},
        handler: (m: InboundMessage) => {
          texts.push(m.text);
        },
      });
      await sendCanvasMessages(harness.sim, agent.id, 2);
      await drain(delivery, dispatcher);
      await sendCanvasMessages(harness.sim, agent.id, 7, 'burst');
      await drain(delivery, dispatcher);
      // Only the newest 5 of the burst were visible: the documented limit of a feed without cursor.
      expect(texts).toEqual(['msg-0', 'msg-1', 'burst-2', 'burst-3', 'burst-4', 'burst-5', 'burst-6']);
      expect(
        logger.lines.filter((l) => l.level === 'warn' && l.message.includes('out of reach')),
      ).toHaveLength(1);
    } finally {
      await harness.close();
    }
  });

  it('rejects settings that cannot work', () => {
    const client = { workspaceId: 'w', fetchActivity: async () => [] };
    expect(() => createPollDelivery({ client, limit: 501 })).toThrow(/limit/);
    expect(() => createPollDelivery({ client, limit: 100, seenLimit: 150 })).toThrow(/seenLimit/);
    expect(() => createPollDelivery({ client, intervalMs: 0 })).toThrow(/intervalMs/);
  });
});
