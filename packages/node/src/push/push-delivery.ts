import { createPushDelivery, type PushDelivery, type PushDeliveryOptions } from '@molecule-ai/agent-core';
import { type PushServer, type PushServerOptions, startPushServer } from './push-server.js';

/** Options of {@link startPushDelivery}: the delivery's and the server's. */
export type NodePushDeliveryOptions = PushDeliveryOptions &
  Omit<PushServerOptions, 'handler' | 'onMessage' | 'path' | 'maxBodyBytes'>;

/** A push delivery served by a Node push server. */
export interface NodePushDelivery extends PushDelivery {
  /** The URL to register (`client.reportedUrl = delivery.url` before `register()`). */
  readonly url: string;
  readonly server: PushServer;
}

/**
 * Starts a push server for a push delivery: give the result to `runAgentLoop({ delivery })` and
 * register its `url`. Stopping the delivery (the loop does it on exit) drains and closes the
 * server. The path is an unguessable capability path unless you set one.
 */
export async function startPushDelivery(options: NodePushDeliveryOptions = {}): Promise<NodePushDelivery> {
  const { path, maxBodyBytes, ...serverOptions } = options;
  const delivery = createPushDelivery({
    ...(path === undefined ? {} : { path }),
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const server = await startPushServer({ ...serverOptions, handler: delivery.handler });
  return {
    ...delivery,
    kind: 'push',
    intervalMs: null,
    url: server.url,
    server,
    async stop() {
      await delivery.stop();
      await server.stop();
    },
  };
}
