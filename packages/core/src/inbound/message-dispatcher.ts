import { ConfigError } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import { silentLogger } from '../ports/logger.js';
import type { InboundMessage } from './inbound-message.js';
import { type HandlerContext, type MessageHandler, replyTextOf } from './message-handler.js';

/** How one dispatched message ended. Never an exception: handler errors are caught and logged. */
export interface DispatchOutcome<R = unknown> {
  message: InboundMessage;
  /** `failed`: the handler threw (the message still counts as handled: poison is not retried). */
  status: 'handled' | 'failed';
  /** The reply text, or `null` for none (absent, empty or whitespace). */
  replyText: string | null;
  /** What the reply step did, when there was a reply and a `reply` function. */
  reply?: R;
  /** `true` when sending the reply failed (logged). */
  replyFailed?: boolean;
}

/** Options of one {@link MessageDispatcher.dispatch}. */
export interface DispatchOptions<R = unknown> {
  /**
   * `route` (default): send the reply with the dispatcher's `reply` function (polled messages).
   * `return`: only return it (pushed messages, whose reply is the HTTP response).
   */
  replyMode?: 'route' | 'return';
  /**
   * Runs inside the slot after the handler and the reply, e.g. to persist the cursor before the
   * next message starts. Errors are logged.
   */
  afterHandled?: (outcome: DispatchOutcome<R>) => Promise<void> | void;
}

/** Runs handlers with bounded concurrency and knows what is in flight (for the heartbeat). */
export interface MessageDispatcher<R = unknown> {
  /** Handlers allowed to run at once. */
  readonly concurrency: number;
  /** Handlers running now. */
  readonly active: number;
  /** Free slots right now (0 while messages are waiting for one). */
  readonly available: number;
  /** Messages being handled, oldest first. */
  inFlight(): readonly InboundMessage[];
  /** Handles `message` as soon as a slot is free. Resolves when done, never rejects. */
  dispatch(message: InboundMessage, options?: DispatchOptions<R>): Promise<DispatchOutcome<R>>;
  /** Resolves when a slot is free, or when `signal` aborts. */
  whenAvailable(signal?: AbortSignal): Promise<void>;
  /** Resolves when nothing is running or waiting. */
  whenIdle(): Promise<void>;
  /** Aborts the signal every handler received (a forced shutdown). Handlers decide how to react. */
  abort(reason?: unknown): void;
}

/** Options of {@link createMessageDispatcher}. */
export interface MessageDispatcherOptions<C extends HandlerContext, R> {
  handler: MessageHandler<C>;
  /** What handlers receive besides `signal` (e.g. the client). */
  context: Omit<C, 'signal'>;
  /** Handlers running at once. Default 1 (messages are handled in order). */
  concurrency?: number | undefined;
  /** Sends a reply text for a routed message (see `replyToMessage`). */
  reply?: (message: InboundMessage, text: string) => Promise<R>;
  logger?: Logger;
}

/**
 * Creates the handler pool shared by every delivery of an agent loop. A handler that throws is
 * logged and its message is done (Python did the same: poison messages are skipped, not retried
 * forever); a reply that fails is logged too.
 */
export function createMessageDispatcher<C extends HandlerContext, R = unknown>(
  options: MessageDispatcherOptions<C, R>,
): MessageDispatcher<R> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ConfigError('concurrency must be a positive integer');
  const logger = options.logger ?? silentLogger;
  const controller = new AbortController();
  const running = new Map<number, InboundMessage>();
  const waiting: (() => void)[] = [];
  let slotListeners: (() => void)[] = [];
  let idleListeners: (() => void)[] = [];
  let sequence = 0;

  // Slots in use, counted separately from `running`: a freed slot goes straight to the next
  // waiter, so a new caller can never jump the queue between the hand-over and the waiter waking.
  let used = 0;

  const notify = (): void => {
    if (used < concurrency) {
      const listeners = slotListeners;
      slotListeners = [];
      for (const listener of listeners) listener();
    }
    if (used === 0) {
      const listeners = idleListeners;
      idleListeners = [];
      for (const listener of listeners) listener();
    }
  };

  const acquire = (): Promise<void> | undefined => {
    if (used < concurrency) {
      used++;
      return undefined;
    }
    return new Promise<void>((resolve) => waiting.push(resolve));
  };

  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else used--;
    notify();
  };

  async function handle(
    message: InboundMessage,
    dispatchOptions: DispatchOptions<R>,
  ): Promise<DispatchOutcome<R>> {
    let outcome: DispatchOutcome<R>;
    try {
      const context = { ...options.context, signal: controller.signal } as C;
      const replyText = replyTextOf(await options.handler(message, context));
      outcome = { message, status: 'handled', replyText };
    } catch (error) {
      logger.error('message handler failed; the message is skipped', { messageId: message.id, error });
      outcome = { message, status: 'failed', replyText: null };
    }
    if (outcome.replyText !== null && (dispatchOptions.replyMode ?? 'route') === 'route' && options.reply) {
      try {
        outcome.reply = await options.reply(message, outcome.replyText);
      } catch (error) {
        logger.warn('sending the reply failed', { messageId: message.id, error });
        outcome.replyFailed = true;
      }
    }
    if (dispatchOptions.afterHandled) {
      try {
        await dispatchOptions.afterHandled(outcome);
      } catch (error) {
        logger.error('after-handled step failed', { messageId: message.id, error });
      }
    }
    return outcome;
  }

  return {
    concurrency,
    get active() {
      return running.size;
    },
    get available() {
      return Math.max(0, concurrency - used);
    },
    inFlight: () => [...running.values()],
    async dispatch(message, dispatchOptions = {}) {
      await acquire();
      const id = sequence++;
      running.set(id, message);
      try {
        return await handle(message, dispatchOptions);
      } finally {
        running.delete(id);
        release();
      }
    },
    whenAvailable(signal) {
      if (used < concurrency) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          signal?.removeEventListener('abort', done);
          resolve();
        };
        slotListeners.push(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    },
    whenIdle() {
      if (used === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleListeners.push(resolve));
    },
    abort(reason) {
      controller.abort(reason);
    },
  };
}
