import { MoleculeError } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import { type A2AHandler, createA2AHandler } from './a2a-handler.js';
import type { DeliveryRunResult, InboundDelivery } from './inbound-delivery.js';
import type { MessageDispatcher } from './message-dispatcher.js';
import type { FetchHandler, PushServer } from './push-server.js';

/** Options of {@link createPushDelivery}. */
export interface PushDeliveryOptions {
  /** The path to serve. Default: a fresh capability path (see `createCapabilityPath`). */
  path?: string | undefined;
  /** Body cap of pushed requests. Default 1 MiB. */
  maxBodyBytes?: number | undefined;
  logger?: Logger | undefined;
}

/** A push delivery: serve `handler` (any host), register its URL, and give it to the agent loop. */
export interface PushDelivery extends InboundDelivery {
  readonly kind: 'push';
  readonly intervalMs: null;
  /** The A2A fetch handler to serve; its `path` is part of the URL to register. */
  readonly handler: A2AHandler;
  readonly path: string;
}

const NOTHING: DeliveryRunResult = { fetched: 0, dispatched: 0, more: false, blocked: false };

/** How long a push that arrives before the loop attaches waits for it before getting 503. */
const ATTACH_WAIT_MS = 2_000;

/**
 * Messages pushed by the platform (or a peer) to the agent's A2A endpoint, handled by the SAME
 * handler, concurrency limit and in-flight accounting as the agent loop (Python's PushDelivery
 * ignored the loop's handler). The reply is the JSON-RPC response itself; nothing is routed.
 * A request that arrives before a loop attaches waits for it (at most 2 s); after that, and
 * after `stop()`, requests get 503 with `Retry-After`.
 */
export function createPushDelivery(options: PushDeliveryOptions = {}): PushDelivery {
  let dispatcher: MessageDispatcher | null = null;
  let stopped = false;
  let waiters: (() => void)[] = [];
  const a2a = createA2AHandler({
    path: options.path,
    maxBodyBytes: options.maxBodyBytes,
    logger: options.logger,
    available: () => dispatcher !== null && !stopped,
    async onMessage(message) {
      const outcome = await dispatcher!.dispatch(message, { replyMode: 'return' });
      // The dispatcher already logged the cause; the caller gets a bare -32603.
      if (outcome.status === 'failed') throw new MoleculeError('the message handler failed');
      return outcome.replyText;
    },
  });
  // The URL is registered before the loop attaches, and the platform may push at once (a message
  // sent just as the agent registers): such a request waits a little for the loop instead of 503.
  const whenAttached = (): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ATTACH_WAIT_MS);
      function done(): void {
        clearTimeout(timer);
        waiters = waiters.filter((waiter) => waiter !== done);
        resolve();
      }
      waiters.push(done);
    });
  const handler: A2AHandler = Object.assign(
    async (request: Request): Promise<Response> => {
      if (dispatcher === null && !stopped) await whenAttached();
      return a2a(request);
    },
    { path: a2a.path },
  );
  const release = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  return {
    kind: 'push',
    intervalMs: null,
    handler,
    path: handler.path,
    attach(next) {
      dispatcher = next;
      release();
    },
    async runOnce() {
      return NOTHING;
    },
    async stop() {
      stopped = true;
      release();
    },
  };
}

/** A push delivery together with the server that serves it (see {@link servePushDelivery}). */
export interface ServedPushDelivery<Server extends PushServer = PushServer> extends PushDelivery {
  /** The URL to register (pass it as `reportedUrl` to `createAgentClient` before `register()`). */
  readonly url: string;
  readonly server: Server;
}

/**
 * Builds a push delivery and starts a server for it with `startServer` (a runtime's
 * `startPushServer`): the delivery takes `path` and `maxBodyBytes`, the server everything else
 * plus the delivery's handler, and both get the logger. Stopping the result stops the delivery,
 * then drains and closes the server.
 */
export async function servePushDelivery<Options extends PushDeliveryOptions, Server extends PushServer>(
  options: Options,
  startServer: (
    serverOptions: Omit<Options, 'path' | 'maxBodyBytes'> & { handler: FetchHandler },
  ) => Promise<Server>,
): Promise<ServedPushDelivery<Server>> {
  const { path, maxBodyBytes, ...serverOptions } = options;
  const delivery = createPushDelivery({
    path,
    maxBodyBytes,
    logger: options.logger,
  });
  const server = await startServer({ ...serverOptions, handler: delivery.handler });
  return {
    ...delivery,
    url: server.url,
    server,
    async stop() {
      await delivery.stop();
      await server.stop();
    },
  };
}
