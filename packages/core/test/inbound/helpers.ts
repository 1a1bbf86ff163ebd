import type { InboundMessage } from '../../src/inbound/index.js';

/** A polled canvas message with the given id and text. */
export function inbound(
  id: string,
  text = `text of ${id}`,
  overrides: Partial<InboundMessage> = {},
): InboundMessage {
  return {
    id,
    activityId: id,
    delivery: 'poll',
    source: 'canvas_user',
    sourceId: null,
    text,
    parts: [{ kind: 'text', text }],
    messageId: `m-${id}`,
    contextId: null,
    taskId: null,
    method: 'message/send',
    metadata: {},
    peerName: '',
    peerRole: '',
    agentCardUrl: '',
    createdAt: null,
    raw: {},
    ...overrides,
  };
}

/** A promise with its resolve function. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets pending promise callbacks and timers run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
